import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ManagedPostgres } from '../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { openContainer, type OpenedContainer } from '../src/composition/container.js';

export type BenchStore = {
  readonly label: string;
  readonly opened: OpenedContainer;
  /** The server store's URL, for benchmarks that start a second process on it. */
  readonly url?: string;
  readonly dispose: () => Promise<void>;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The managed local server in a temporary `PODS_HOME`, stopped and removed afterwards. */
export async function managedBenchStore(): Promise<BenchStore> {
  const home = await mkdtemp(join(tmpdir(), 'pods-bench-'));
  await chmod(home, 0o755); // as root, the server's service user passes through
  const server = new ManagedPostgres({ home });
  const { url } = await server.ensureRunning();
  const opened = await openContainer({ kind: 'postgres', url });
  return {
    label: 'managed (local server, Unix socket)',
    opened,
    url,
    dispose: async () => {
      await opened.close();
      await server.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** A private schema on a loopback server, dropped afterwards; the store is pods' own pool (10 connections). */
export async function serverBenchStore(url: string): Promise<BenchStore> {
  const parsed = new URL(url);
  if (!LOOPBACK.has(parsed.hostname)) throw new Error(`the benchmark only runs against a loopback server, not ${parsed.hostname}`);
  const schema = `bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`create schema ${schema}`);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  try {
    const opened = await openContainer({ kind: 'postgres', url: parsed.toString() });
    return {
      label: 'postgres (loopback server)',
      opened,
      url: parsed.toString(),
      dispose: async () => {
        await opened.close();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  } catch (error) {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
    throw error;
  }
}
