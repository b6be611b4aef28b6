import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The managed server every test file shares (one schema per suite), started by the product's own code. */
    managedDatabaseUrl: string;
  }
}

/**
 * One managed PostgreSQL server for the whole run, in a throwaway `PODS_HOME`: the server
 * suites run on it on every `npm test`, with no PostgreSQL installed and nothing configured.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = await mkdtemp(join(tmpdir(), 'pods-test-server-'));
  // Searchable, so that as root the service user reaches the server's own (private) directory.
  await chmod(home, 0o755);
  const server = new ManagedPostgres({ home });
  let reaper: ChildProcess | undefined;
  try {
    const running = await server.ensureRunning();
    reaper = startReaper(running.pid, home);
    project.provide('managedDatabaseUrl', running.url);
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    reaper?.kill('SIGKILL');
    try {
      await server.stop();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  };
}

/**
 * The server outlives its starter by design (other pods processes share it), so a run that
 * never reaches its teardown (Ctrl+C, a SIGTERM from a timeout, a crash) would leave it
 * running: a detached watcher stops it (a fast shutdown) and removes the home once this
 * process is gone, and is itself ended by the teardown.
 */
function startReaper(postmaster: number | undefined, home: string): ChildProcess | undefined {
  if (postmaster === undefined) return undefined;
  const script = `
    const [parent, postmaster, home] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    const timer = setInterval(() => {
      if (alive(parent)) return;
      clearInterval(timer);
      try { process.kill(postmaster, 'SIGINT'); } catch {}
      const until = Date.now() + 30000;
      const wait = setInterval(() => {
        if (alive(postmaster) && Date.now() < until) return;
        clearInterval(wait);
        require('node:fs').rmSync(home, { recursive: true, force: true });
      }, 100);
    }, 250);`;
  const child = spawn(process.execPath, ['-e', script, String(process.pid), String(postmaster), home], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}
