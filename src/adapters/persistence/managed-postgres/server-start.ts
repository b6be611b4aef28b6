import { isPostgres, launch, probe, waitUntil, type SettingOverrides } from './server-process.js';
import { ManagedStoreError } from './managed-store-error.js';
import type { PostgresBinaries } from './postgres-binaries.js';
import type { ServerOwner } from './private-directory.js';
import { causeFromLog, logSize } from './server-log.js';
import type { ServerLayout } from './server-layout.js';

const answers = async (socketDir: string): Promise<boolean> => ['ready', 'needs-setup'].includes(await probe(socketDir));

/** Right after a crash old backends may still hold shared memory; PostgreSQL refuses to start until they are gone. */
export async function launchUntilUp(layout: ServerLayout, binaries: PostgresBinaries, owner: ServerOwner, timeoutMs: number, overrides: SettingOverrides = {}): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const since = await logSize(layout.logFile);
    const launched = await launch(layout, binaries, owner, overrides);
    const answered = await waitUntil(async () => launched.exited() !== 'running' || (await answers(layout.socketDir)), Math.max(0, until - Date.now()));
    if (launched.exited() === 'running' && answered) return launched.pid;
    const cause = await causeFromLog(layout.logFile, since);
    if (cause && /shared memory block .* is still in use/.test(cause) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    const why = cause ?? (answered ? 'it exited at once' : `it did not answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new ManagedStoreError(`the store server did not start: ${why} (log: ${layout.logFile})`);
  }
}

/** It may be starting or recovering: true once it answers, false when it went away (the caller starts a new one). */
export async function awaitAnswer(layout: ServerLayout, pid: number, timeoutMs: number): Promise<boolean> {
  const answered = await waitUntil(async () => !(await isPostgres(pid)) || (await answers(layout.socketDir)), timeoutMs);
  if (!answered) {
    throw new ManagedStoreError(`the store server (pid ${pid}) runs but does not answer on ${layout.socketDir}; \`pods store stop\` stops it (log: ${layout.logFile})`);
  }
  return isPostgres(pid);
}
