import 'reflect-metadata';
import { readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { UNIT_OF_WORK } from '../src/application/ports/unit-of-work.js';
import { openInversifyContainer } from '../src/composition/container.js';
import { PodName } from '../src/domain/pod-name.js';
import { podsProcess } from './cli-processes.js';
import { BenchTimeout, defer, pollUntil, runCleanups, within } from './deadline.js';
import { startPlainServer } from './plain-postgres.js';
import { startStatementCounter } from './statement-counter.js';

/**
 * `node dist/bench/idle-cost.js`: what an idle host costs (issue 25). On a plain server, a
 * fresh schema per run holds IDLE_PODS Pods with nothing to answer (default 1000; a comma
 * list runs each size); `pods serve` (no `--pod`: it takes every free Pod) connects through
 * a proxy that counts statements. Once it holds every lease and SETTLE_MS have passed, the
 * WINDOW_MS window is counted: statements per second, the host's and the server's CPU
 * (utime + stime of `pods serve`, and of the postmaster and its backends, exited ones
 * included), and the host's connections (pg_stat_activity, sampled every second).
 * BASELINE_PODS=path/to/pods.mjs compares an earlier build run by run (A B A B);
 * EXTRA_POOL_SIZES=2 adds this build with PODS_POOL_SIZE=2 to each round.
 */
const ENTRY = fileURLToPath(new URL('../pods.mjs', import.meta.url));
const BASELINE = process.env['BASELINE_PODS'];
const SIZES = (process.env['IDLE_PODS'] ?? '1000').split(',').map(Number);
const ROUNDS = Number(process.env['ROUNDS'] ?? '2');
const WINDOW_MS = Number(process.env['WINDOW_MS'] ?? '30000');
const SETTLE_MS = 5_000;
const EXTRA_POOLS = (process.env['EXTRA_POOL_SIZES'] ?? '').split(',').filter((s) => s !== '');
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

type Build = { readonly label: string; readonly entry: string; readonly env: Record<string, string> };
type Run = {
  readonly statementsPerS: number;
  readonly hostCpu: number;
  readonly serverCpu: number;
  readonly connections: { readonly max: number; readonly median: number };
  /** How long `pods serve` took to hold every lease; undefined: it never did within TAKE_MS. */
  readonly tookUpS: number | undefined;
  /** Live leases at the end of the window. */
  readonly liveAtEnd: number;
};
const TAKE_MS = Number(process.env['TAKE_MS'] ?? '600000');

/** utime + stime (+ cutime + cstime with `children`) of `pid`, in seconds. */
async function cpuOf(pid: number, children: boolean): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based), so index n - 3.
  const at = (n: number) => Number(fields[n - 3] ?? 0);
  return (at(14) + at(15) + (children ? at(16) + at(17) : 0)) / TICK;
}

/** The postmaster's CPU with its exited backends', plus every live child's. */
async function serverCpu(postmaster: number): Promise<number> {
  let total = await cpuOf(postmaster, true);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === postmaster) total += await cpuOf(Number(entry), false);
  }
  return total;
}

async function populate(url: string, count: number): Promise<void> {
  const { container, close } = await openInversifyContainer({ kind: 'postgres', url });
  try {
    const at = new Date();
    await container.get(UNIT_OF_WORK).run(async (repos) => {
      for (let i = 0; i < count; i += 1) {
        await repos.pods.add({ name: PodName.unsafe(`idle-${String(i).padStart(5, '0')}`), scope: [], origin: { type: 'operator' }, createdAt: at });
      }
    });
  } finally {
    await close();
  }
}

async function oneRun(build: Build, serverUrl: string, postmaster: number, schema: string, pods: number): Promise<Run> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
    const direct = new URL(serverUrl);
    direct.searchParams.set('options', `-c search_path=${schema}`);
    await populate(direct.toString(), pods);
    const target = new URL(serverUrl);
    const counter = await startStatementCounter({ host: target.hostname, port: Number(target.port) });
    const proxied = new URL(direct);
    proxied.port = String(counter.port);
    const env = { PODS_DATABASE_URL: proxied.toString(), PODS_HOME: `/tmp/pods-idle-cost-${process.pid}`, ...build.env };
    const started = performance.now();
    const serve = podsProcess(build.entry, env, 'serve');
    try {
      const live = async () => Number((await admin.query<{ n: string }>(`select count(*) as n from ${schema}.lease where expires_at > now()`)).rows[0]?.n);
      // A host that cannot keep up never holds them all (the base at 10,000 Pods): measured anyway after TAKE_MS.
      const took = await pollUntil(TAKE_MS, `\`pods serve\` to take ${pods} leases`, 500, async () => {
        if (serve.child.exitCode !== null || serve.child.signalCode !== null) throw new Error(`pods serve exited: ${serve.output().slice(-500)}`);
        return (await live()) >= pods ? true : undefined;
      }).catch((error: unknown) => {
        if (error instanceof BenchTimeout) return false;
        throw error;
      });
      const tookUpS = took ? (performance.now() - started) / 1000 : undefined;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const pid = serve.child.pid ?? 0;
      const [statements0, host0, server0, t0] = [counter.count(), await cpuOf(pid, true), await serverCpu(postmaster), performance.now()];
      const connections: number[] = [];
      const own = (await admin.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid ?? 0;
      while (performance.now() - t0 < WINDOW_MS) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const { rows } = await admin.query<{ n: string }>(`select count(*) as n from pg_stat_activity where backend_type = 'client backend' and pid <> $1`, [own]);
        connections.push(Number(rows[0]?.n));
      }
      const seconds = (performance.now() - t0) / 1000;
      const [statements1, host1, server1] = [counter.count(), await cpuOf(pid, true), await serverCpu(postmaster)];
      const sorted = [...connections].sort((a, b) => a - b);
      return {
        statementsPerS: (statements1 - statements0) / seconds,
        hostCpu: (100 * (host1 - host0)) / seconds,
        serverCpu: (100 * (server1 - server0)) / seconds,
        connections: { max: sorted.at(-1) ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0 },
        tookUpS,
        liveAtEnd: await live(),
      };
    } finally {
      await serve.stop();
      await counter.close();
    }
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await admin.end();
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);
  const plain = await within(120_000, 'starting the plain server', startPlainServer());
  defer('the plain server', plain.stop);
  console.log(`server: PostgreSQL ${plain.version}, postmaster pid ${plain.pid}; window ${WINDOW_MS / 1000} s after ${SETTLE_MS / 1000} s settled`);
  const builds: Build[] = [
    { label: 'this build', entry: ENTRY, env: {} },
    ...(BASELINE ? [{ label: 'base', entry: BASELINE, env: {} }] : []),
    ...EXTRA_POOLS.map((size) => ({ label: `this build, PODS_POOL_SIZE=${size}`, entry: ENTRY, env: { PODS_POOL_SIZE: size } })),
  ];
  for (const pods of SIZES) {
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const [i, build] of (round % 2 === 1 ? builds : [...builds].reverse()).entries()) {
        const schema = `idle_cost_${pods}_${round}_${i}`;
        const run = await within(TAKE_MS + 300_000, `idle cost (${build.label}, ${pods} Pods)`, oneRun(build, plain.url, plain.pid, schema, pods));
        console.log(`${pods} Pods, ${build.label}, round ${round}: ${run.statementsPerS.toFixed(2)} statements/s, host CPU ${run.hostCpu.toFixed(2)} %, server CPU ${run.serverCpu.toFixed(2)} %, ` +
          `connections max ${run.connections.max} (median ${run.connections.median}); ` +
          `${run.tookUpS === undefined ? `never held every lease in ${TAKE_MS / 1000} s` : `took every lease in ${run.tookUpS.toFixed(1)} s`}, ${run.liveAtEnd} live at the end; load ${loadavg()[0]?.toFixed(2)}`);
      }
    }
  }
  console.log(`machine: load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
}

try {
  await main();
} finally {
  const clean = await runCleanups();
  if (!clean) process.exitCode = 1;
}
