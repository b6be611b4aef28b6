import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirePidFileLock, type LockHolder } from '../../src/adapters/system/pid-file-lock.js';
import { sleep } from '../contracts/contract-fixture.js';
import { lockHolder } from '../support/lock-holder.js';
import { rejection } from '../support/rejection.js';

const held = ({ pid, self }: LockHolder) => new Error(self ? 'held by this process' : `held by pid ${pid}`);


const deadPid = (): number => {
  const done = spawnSync(process.execPath, ['-e', '']);
  if (done.pid === undefined) throw new Error('could not start a process');
  return done.pid;
};

describe('the pid-file lock between processes', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pods-lock-'));
    path = join(dir, 'server.lock');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('holds this pid while taken and removes the file on release', async () => {
    const lock = await acquirePidFileLock(path, { held });
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    expect((await rejection(acquirePidFileLock(path, { held }))).message).toBe('held by this process');
    await lock.release();
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a live holder at once, naming it, and leaves its lock alone', async () => {
    const holder = await lockHolder(path);
    try {
      expect((await rejection(acquirePidFileLock(path, { held }))).message).toBe(`held by pid ${holder.pid}`);
      expect(await readFile(path, 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill();
      await rm(path, { force: true });
    }
  });

  it('waits for a live holder that lets go within waitMs', async () => {
    const holder = await lockHolder(path);
    let settled = false;
    const waiting = acquirePidFileLock(path, { held, waitMs: 20_000 }).finally(() => (settled = true));
    // The waiter's own temp file shows it is in its wait loop, with the holder still there.
    for (const until = Date.now() + 20_000; !(await readdir(dir)).some((f) => /^server\.lock\.\d+\./.test(f)); await sleep(5)) {
      if (Date.now() > until) throw new Error('the waiter never started');
    }
    expect(settled).toBe(false);
    holder.kill();
    await rm(path, { force: true });
    const lock = await waiting;
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('takes over the lock of a process that is gone, or an unreadable lock file', async () => {
    for (const stale of [`${deadPid()}\n`, '', 'garbage']) {
      await writeFile(path, stale);
      const lock = await acquirePidFileLock(path, { held });
      expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
      await lock.release();
    }
  });
});
