import { constants, openSync } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { privateDirectory } from '../system/private-directory.js';
import { dirname } from 'node:path';

/** Past this, an agent's log is moved aside (one old copy kept) when its agent next starts. */
const LOG_LIMIT_BYTES = 8 * 1024 * 1024;

export async function prepareStateDir(stateDir: string): Promise<{ readonly home: string; readonly log: number; readonly logPath: string }> {
  await privateDirectory(dirname(stateDir));
  await privateDirectory(stateDir);
  const home = `${stateDir}/home`;
  await privateDirectory(home);
  const logPath = `${stateDir}/agent.log`;
  const size = await stat(logPath).then((s) => s.size, () => 0);
  if (size > LOG_LIMIT_BYTES) await rename(logPath, `${logPath}.1`);
  // O_NOFOLLOW: a link planted where the log goes is refused, not written through.
  const log = openSync(logPath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  return { home, log, logPath };
}
