import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KEY_FILE, sourcesKey } from '../../tools/bundle/sources-key.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const CACHE = join(repo, 'node_modules', '.cache', 'pods-test-cli');
/** How long a test file waits for another process's build of the same sources. */
const WAIT_MS = 240_000;

/**
 * The CLI as users run it (`src` compiled by `tsconfig.build.json` and bundled), built once per
 * content of its sources and shared by every test file and run: one build where each file
 * that runs `pods` used to make its own (most of the suite's CPU). The build is made in a
 * directory of its own and renamed into place whole, so no test sees half of one, and no
 * later build replaces files under a test that runs (another content is another directory).
 * One process builds while the others wait for it (a lock directory holding the builder's pid;
 * a dead builder's lock is taken over). Returns the directory that holds `pods.mjs`.
 */
export async function sharedCliBuild(): Promise<string> {
  const key = await sourcesKey(repo);
  const dir = join(CACHE, key);
  const lock = `${dir}.lock`;
  await mkdir(CACHE, { recursive: true });
  for (const until = Date.now() + WAIT_MS; ; ) {
    if (await isFile(join(dir, 'pods.mjs'))) return dir;
    if (await takeLock(lock)) {
      try {
        if (!(await isFile(join(dir, 'pods.mjs')))) await buildInto(dir, key);
        await pruneOthers(key);
        return dir;
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    }
    if (Date.now() > until) throw new Error(`the CLI build at ${dir} did not appear within ${WAIT_MS / 1000} s (lock ${lock})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function buildInto(dir: string, key: string): Promise<void> {
  const staging = `${dir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  if (await builtFrom(join(repo, 'dist'), key)) {
    // `npm run build` (or `npm install`'s prepare) made dist/ from these very sources: a copy, not a second compile.
    await cp(join(repo, 'dist'), staging, { recursive: true, verbatimSymlinks: true });
    // Unless a build of other sources began in dist/ meanwhile: then the copy may mix the two.
    if (await builtFrom(join(repo, 'dist'), key)) return finish(staging, dir);
    await rm(staging, { recursive: true, force: true });
  }
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', staging], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const { stdout = '' } = error as { stdout?: string };
    throw new Error(`tsc -p tsconfig.build.json failed:\n${stdout}`);
  }
  // What `npm start` and the `pods` bin run: the compiled CLI bundled into one module.
  await promisify(execFile)(process.execPath, [join(repo, 'tools', 'bundle', 'bundle.mjs'), join(staging, 'src', 'main.js'), staging], { cwd: repo });
  await finish(staging, dir);
}

/** Whether `dist` holds a whole build (the key is written last) of the sources whose key is `key`. */
async function builtFrom(dist: string, key: string): Promise<boolean> {
  const written = await readFile(join(dist, KEY_FILE), 'utf8').catch(() => '');
  return written.trim() === key && (await isFile(join(dist, 'pods.mjs')));
}

async function finish(staging: string, dir: string): Promise<void> {
  await writeFile(join(staging, 'package.json'), '{ "type": "module" }\n');
  await symlink(join(repo, 'node_modules'), join(staging, 'node_modules'), 'dir');
  // Runnable by its `#!/usr/bin/env node` line (a `pods` link on a PATH), and by the store's service user when run as root.
  await chmod(join(staging, 'pods.mjs'), 0o755);
  await chmod(staging, 0o755);
  await rename(staging, dir);
}

/** Made here, or left by a process that is gone: then it is removed, and taking it is tried once more. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    const owner = Number((await readFile(join(lock, 'pid'), 'utf8').catch(() => '')).trim());
    const made = (await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now();
    // No pid yet: the owner is between its mkdir and its write, unless that was long ago.
    const gone = owner > 0 ? !alive(owner) : Date.now() - made > 10_000;
    if (!gone) return false;
    await rm(lock, { recursive: true, force: true });
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds of other sources, older than an hour: a run that still uses one started long ago. */
async function pruneOthers(key: string): Promise<void> {
  for (const name of await readdir(CACHE).catch(() => [] as string[])) {
    if (name === key || name.startsWith(`${key}.`)) continue;
    const path = join(CACHE, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 3_600_000) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
