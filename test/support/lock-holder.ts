import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { sleep } from '../contracts/contract-fixture.js';

/** A process that holds a pid-file lock the way a running pods process does: its pid in the file. */
export async function lockHolder(lockPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', "require('fs').writeFileSync(process.argv[1], process.pid + '\\n'); setInterval(() => {}, 1000);", lockPath], { stdio: 'ignore' });
  for (const until = Date.now() + 20_000; Date.now() < until; await sleep(20)) {
    if ((await readFile(lockPath, 'utf8').catch(() => '')) === `${child.pid}\n`) return child;
  }
  child.kill();
  throw new Error('lock holder did not start');
}
