import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ManagedPostgres } from '../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { PoolSize } from '../src/adapters/persistence/postgres/connection/pool-size.js';
import { openInversifyContainer, type OpenedInversifyContainer } from '../src/composition/container.js';
import type { HostOptions } from '../src/composition/host-module.js';

const BENCH_POOL_SIZE = PoolSize.unsafe(10);

export type BenchStore = {
  readonly label: string;
  readonly opened: OpenedInversifyContainer;
  /** The store's URL, for benchmarks that start a second process on it. */
  readonly url: string;
  readonly dispose: () => Promise<void>;
};

export type BenchServer = {
  readonly label: string;
  readonly url: string;
  /** The postmaster, when this bench started the server (for its memory). */
  readonly pid?: number;
  readonly stop: () => Promise<void>;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The managed local server in a temporary `PODS_HOME`; `stop` stops it and removes the home. */
export async function startManagedServer(): Promise<BenchServer & { readonly home: string }> {
  const home = await mkdtemp(join(tmpdir(), 'pods-bench-'));
  const server = new ManagedPostgres({ home });
  const stop = async () => {
    try {
      await server.stop();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  };
  try {
    await chmod(home, 0o755); // as root, the server's service user passes through
    const { url, pid } = await server.ensureRunning();
    return { label: 'managed (Unix socket)', url, home, ...(pid ? { pid } : {}), stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/**
 * A private schema on a local server (the managed one through its socket, or a loopback
 * TCP one), dropped afterwards; the store is pods' own pool, the same code path either way,
 * with 10 connections (pg's default, pods' before ADR 0021): the delivery figures compare
 * senders at once with pgbench clients, each of which has a connection of its own.
 */
export async function serverBenchStore(url: string, label: string, host: HostOptions = {}): Promise<BenchStore> {
  const parsed = new URL(url);
  const socket = parsed.searchParams.get('host')?.startsWith('/') ?? false;
  if (!socket && !LOOPBACK.has(parsed.hostname)) throw new Error(`the benchmark only runs against a local server, not ${parsed.hostname}`);
  const schema = `bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  admin.on('error', () => undefined);
  const drop = async () => {
    try {
      await admin.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await admin.end();
    }
  };
  await admin.query(`create schema ${schema}`);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  try {
    const opened = await openInversifyContainer({ kind: 'postgres', url: parsed.toString(), poolSize: BENCH_POOL_SIZE }, host);
    return {
      label,
      opened,
      url: parsed.toString(),
      dispose: async () => {
        try {
          await opened.close();
        } finally {
          await drop();
        }
      },
    };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}
