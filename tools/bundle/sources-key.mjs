// A digest of every input of the CLI build (each file's path and content): the test suites'
// shared build (test/cli/shared-cli-build.ts) is kept per key, and reuses `dist/` when
// `npm run build` (or `npm install`'s prepare) made it from the same sources.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export const BUILD_INPUTS = ['src', 'bench', 'tools/bundle', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The file in a build's directory that names the key of the sources it was made from. */
export const KEY_FILE = 'sources-key';

export async function sourcesKey(root) {
  const hash = createHash('sha256');
  const visit = async (path) => {
    const info = await stat(path).catch(() => undefined);
    if (!info) return;
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) await visit(join(path, name));
      return;
    }
    hash.update(relative(root, path)).update('\0').update(await readFile(path)).update('\0');
  };
  for (const input of BUILD_INPUTS) await visit(join(root, input));
  return hash.digest('hex').slice(0, 16);
}
