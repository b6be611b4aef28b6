import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';

/**
 * The `PODS_HOME`s a test file makes for managed servers. After the file's tests every server
 * is stopped and its files removed, also those kept outside the home (a long home's socket
 * directory, root's relocated server directory).
 */
export function managedHomes() {
  const made = new Set<string>();
  const outside = new Set<string>();

  afterAll(async () => {
    // Innermost first: a home may lie inside another.
    for (const home of [...made].reverse()) {
      const server = new ManagedPostgres({ home });
      await server.stop().catch(() => undefined);
      const status = await server.status().catch(() => undefined);
      for (const dir of status ? [status.socketDir, dirname(status.dataDir)] : []) if (!dir.startsWith(`${home}/`)) outside.add(dir);
      await rm(home, { recursive: true, force: true });
    }
    for (const dir of outside) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  const newHome = async (prefix = 'pods-managed-'): Promise<string> => {
    const home = await mkdtemp(join(tmpdir(), prefix));
    // Searchable, so that as root the service user passes through to its own directory.
    await chmod(home, 0o755);
    made.add(home);
    return home;
  };

  /** A server that was made once and then stopped, for tests that tamper with its files. */
  const stoppedCluster = async () => {
    const home = await newHome();
    const server = new ManagedPostgres({ home });
    const { layout } = await server.ensureRunning();
    expect(await server.stop()).toMatchObject({ stopped: true });
    return { home, server, layout, dataDir: layout.dataDir };
  };

  return {
    newHome,
    stoppedCluster,
    /** Also cleans up `home` (made by the test itself). */
    track: (home: string): void => void made.add(home),
    /** Also removes `path`, which lies outside every home. */
    alsoRemove: (path: string): void => void outside.add(path),
  };
}
