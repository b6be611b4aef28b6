import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Past this, a home file's source is refused: it is configuration, not data. */
const MAX_BYTES = 1024 * 1024;

/** The home is the agent's to write: no link is followed, and each file lands by a rename, which replaces a link. */
export async function placeHomeFiles(home: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [target, source] of Object.entries(files)) {
    const content = await readFile(source).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`the profile's home file ${target} cannot be read from ${source} (${error.code ?? error.message})`);
    });
    if (content.length > MAX_BYTES) throw new Error(`the profile's home file ${source} is over 1 MiB`);
    const path = join(home, target);
    await realDirectories(home, dirname(path));
    const temp = join(dirname(path), `.pods-${randomUUID()}`);
    try {
      await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}

/** Every directory from `home` down to `dir`, made when missing, refused when a link or anything else. */
async function realDirectories(home: string, dir: string): Promise<void> {
  if (dir === home) return;
  await realDirectories(home, dirname(dir));
  const info = await lstat(dir).catch(() => undefined);
  if (!info) return void (await mkdir(dir, { mode: 0o700 }));
  if (!info.isDirectory()) throw new Error(`${dir} in the agent's home is not a directory (a link the agent left?); remove it`);
}
