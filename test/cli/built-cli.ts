import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

export type ProcessRun = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/**
 * The CLI as users run it: `src` compiled by `tsconfig.build.json`, started with `node`.
 * It is compiled into a private temp dir rather than `dist/`, so a concurrent build cannot
 * swap files under the test; that dir gets the package's module type and its node_modules.
 */
export async function buildCli() {
  const root = await mkdtemp(join(tmpdir(), 'pods-cli-'));
  const outDir = join(root, 'build');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: repo });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    const { stdout = '' } = error as { stdout?: string };
    throw new Error(`tsc -p tsconfig.build.json failed:\n${stdout}`);
  }
  await writeFile(join(outDir, 'package.json'), '{ "type": "module" }\n');
  await symlink(join(repo, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  const main = join(outDir, 'src', 'main.js');
  const children = new Set<ChildProcess>();

  const home = async (name: string): Promise<string> => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    return dir;
  };

  /** Runs `node <build>/src/main.js …args` with `PODS_HOME` (and no inherited `PODS_DATABASE_URL`). */
  const pods = (podsHome: string, ...args: string[]): Promise<ProcessRun> => {
    const env: NodeJS.ProcessEnv = { ...process.env, PODS_HOME: podsHome };
    delete env['PODS_DATABASE_URL'];
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [main, ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
    });
  };

  /** A long-lived process that opens the store under `podsHome` and holds it until released. */
  const holdStore = async (podsHome: string) => {
    const script = join(outDir, 'hold-store.mjs');
    await writeFile(
      script,
      `import 'reflect-metadata';
import { openContainer } from ${JSON.stringify(join(outDir, 'src', 'composition', 'container.js'))};
const opened = await openContainer({ kind: 'pglite', dataDir: process.argv[2] });
process.stdout.write('ready\\n');
process.stdin.resume();
process.stdin.on('end', async () => { await opened.close(); process.exit(0); });
`,
    );
    const child = spawn(process.execPath, [script, join(podsHome, 'store')], { cwd: outDir, stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { children.delete(child); resolve(code); }));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      void exited.then((code) => reject(new Error(`store holder exited early (${code})`)));
    });
    return { release: async () => { child.stdin.end(); return exited; } };
  };

  /** A long-running `pods …` process (e.g. `serve`), with its output collected as it comes. */
  const start = (args: readonly string[], env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { children.delete(child); resolve(code); }));
    return {
      child,
      exited,
      output: () => ({ stdout, stderr }),
      /** Resolves once stdout holds `text`; rejects if the process exits first or `ms` pass. */
      waitFor: async (text: string, ms = 20_000): Promise<void> => {
        const until = Date.now() + ms;
        while (!stdout.includes(text)) {
          if (child.exitCode !== null) throw new Error(`pods ${args.join(' ')} exited ${child.exitCode}:\n${stdout}${stderr}`);
          if (Date.now() > until) throw new Error(`pods ${args.join(' ')}: no ${JSON.stringify(text)} within ${ms} ms:\n${stdout}${stderr}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    };
  };

  const dispose = async (): Promise<void> => {
    for (const child of children) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  };
  return { main, pods, home, holdStore, start, dispose };
}
