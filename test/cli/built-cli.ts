import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { sharedCliBuild } from './shared-cli-build.js';

/** What `main.ts` prints when an error escaped every handler. */
export const LAST_RESORT = 'internal error (please report it)';

export type ProcessRun = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/**
 * The CLI as users run it: the bundle of `sharedCliBuild` (built once per content of the
 * sources, never in `dist/`, so a concurrent build cannot swap files under the test), and a
 * temp dir of this caller's own for its homes and as the processes' working directory.
 */
export async function buildCli() {
  const main = join(await sharedCliBuild(), 'pods.mjs');
  const root = await mkdtemp(join(tmpdir(), 'pods-cli-'));
  // Searchable, so that as root the store server's service user reaches each home's server directory.
  await chmod(root, 0o755);
  const children = new Set<ChildProcess>();

  const homes = new Set<string>();
  /**
   * A `PODS_HOME` of its own, in the build's temp dir or under `parent`: its managed server (if a
   * command starts one) is stopped on dispose, and one under `parent` is removed with its store
   * (as root, the store of a home the service user cannot reach lives under /var/lib/pods).
   */
  const home = async (name: string, parent = root): Promise<string> => {
    const dir = join(parent, name);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    homes.add(dir);
    return dir;
  };

  /**
   * Puts `pods` on a PATH as `npm link` does (a link to the bundled CLI, run by its `#!/usr/bin/env
   * node` line) in `dir`, and returns `dir`: for clients configured with `command = "pods"`.
   */
  const linkBin = async (dir: string): Promise<string> => {
    await mkdir(dir, { recursive: true });
    await symlink(main, join(dir, 'pods'));
    return dir;
  };

  /** Runs `node <build>/src/main.js …args` with `PODS_HOME` (and no inherited `PODS_DATABASE_URL`). */
  const pods = (podsHome: string, ...args: string[]): Promise<ProcessRun> => {
    const env: NodeJS.ProcessEnv = { ...process.env, PODS_HOME: podsHome };
    delete env['PODS_DATABASE_URL'];
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [main, ...args], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
        // The process's last-resort handler fired: a bug, whatever the test expected.
        if (stderr.includes(LAST_RESORT)) reject(new Error(`pods ${args.join(' ')}: ${stderr}`));
        else if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
    });
  };

  /**
   * A long-running `pods …` process (e.g. `serve`), with its output collected as it comes.
   * `detached`: it leads its own process group, to be ended with everything it started.
   */
  const start = (args: readonly string[], env: NodeJS.ProcessEnv, options: { readonly detached?: boolean } = {}) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
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
          if (stderr.includes(LAST_RESORT)) throw new Error(`pods ${args.join(' ')}: ${stderr}`);
          if (child.exitCode !== null) throw new Error(`pods ${args.join(' ')} exited ${child.exitCode}:\n${stdout}${stderr}`);
          if (Date.now() > until) throw new Error(`pods ${args.join(' ')}: no ${JSON.stringify(text)} within ${ms} ms:\n${stdout}${stderr}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    };
  };

  const dispose = async (): Promise<void> => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([...homes].map(async (dir) => {
      const server = new ManagedPostgres({ home: dir });
      await server.stop().catch(() => undefined);
      if (!dir.startsWith(`${root}/`)) await server.remove().then(() => rm(dir, { recursive: true, force: true })).catch(() => undefined);
    }));
    await rm(root, { recursive: true, force: true });
  };
  return { main, root, pods, home, linkBin, start, dispose };
}
