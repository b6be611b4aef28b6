import { constants } from 'node:fs';
import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import { codeOf } from '../../error-message.js';
import { describeCause, ManagedStoreError } from './managed-store-error.js';
import { NO_FOLLOW, readTextNoFollow } from './no-follow.js';
import type { ServerOwner } from './private-directory.js';

const LOG_ROTATE_BYTES = 8 * 1024 * 1024;

/** Under root a link could point root's descriptor anywhere: only a regular, singly linked file of ours is used. */
export async function openServerLog(logFile: string, owner: ServerOwner): Promise<FileHandle> {
  if ((await logSize(logFile)) > LOG_ROTATE_BYTES) await rename(logFile, `${logFile}.1`).catch(() => undefined);
  const mine = process.getuid?.() ?? owner.uid;
  const whose = mine === owner.uid ? `\`${owner.name}\`` : `\`${owner.name}\` or root`;
  const refuse = (why: string) => new ManagedStoreError(`the store server's log ${logFile} is ${why}, not a file of ${whose}; remove it and retry`);
  let handle: FileHandle;
  try {
    handle = await open(logFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK | NO_FOLLOW, 0o600);
  } catch (error) {
    throw codeOf(error) === 'ELOOP' ? refuse('a symbolic link') : new ManagedStoreError(`cannot open the store server's log ${logFile}: ${describeCause(error)}`);
  }
  const found = await handle.stat();
  const why = !found.isFile() ? 'not a regular file' : found.nlink !== 1 ? 'a hard link' : found.uid !== owner.uid && found.uid !== mine ? `owned by uid ${found.uid}` : undefined;
  if (why) {
    await handle.close();
    throw refuse(why);
  }
  return handle;
}

/** The last line in the log that says why the server stopped or refused, without its prefix. */
export async function causeFromLog(logFile: string, since: number): Promise<string | undefined> {
  const text = (await readTextNoFollow(logFile)) ?? '';
  const lines = text.slice(Math.max(0, since)).split('\n');
  const at = lines.findLastIndex((line) => /\b(FATAL|PANIC):/.test(line));
  const fatal = at >= 0 ? lines[at] : lines.filter((l) => /\bERROR:/.test(l)).at(-1);
  // "configuration file … contains errors" is a summary; the LOG line before it says which.
  if (at > 0 && fatal && /contains errors/.test(fatal)) {
    const detail = lines.slice(0, at).findLast((line) => /\bLOG:\s+(invalid|unrecognized|syntax|parameter)/.test(line));
    if (detail) return `${detail.replace(/^.*?\bLOG:\s*/, '').trim()} (${fatal.replace(/^.*?\bFATAL:\s*/, '').trim()})`;
  }
  return fatal?.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, '').trim();
}

export async function logSize(logFile: string): Promise<number> {
  return stat(logFile).then((s) => s.size, () => 0);
}
