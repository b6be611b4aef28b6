import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ManagedStoreError } from './managed-store-error.js';
import { SYSTEM_PATH } from './server-environment.js';

/** `rm -rf`: its fts walk follows no link, so a tree another user changes cannot turn root's removal elsewhere. */
export async function removeTree(path: string): Promise<void> {
  try {
    await promisify(execFile)('rm', ['-rf', '--', path], { env: { PATH: SYSTEM_PATH, LC_ALL: 'C' }, timeout: 300_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
    throw new ManagedStoreError(`cannot remove ${path}: ${stderr || (error instanceof Error ? error.message.split('\n')[0] : String(error))}`);
  }
}
