import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { startManagedServer, type BenchServer } from './bench-stores.js';
import { defer, runCleanups, within } from './deadline.js';
import { FAIR, fairComparison } from './fair-comparison.js';
import { locatePgbench, pgbenchTarget } from './pgbench.js';
import { startPlainServer } from './plain-postgres.js';
import { DELIVERY_SHAPE, warmUpDelivery } from './scenarios.js';

/**
 * `node dist/bench/delivery-vs-pgbench.js [plain|managed]`: delivery against pgbench's
 * single-row INSERT on one server (default: a plain server on TCP loopback; BENCH_DATABASE_URL
 * for your own), alternated run by run (bench/fair-comparison.ts): 1, 8 and 32 clients =
 * senders, each run 10 s (BENCH_SECONDS), three delivery runs per series (BENCH_PAIRS)
 * between four pgbench runs, commits per message beside messages per second. An untimed
 * warm-up first. A deadline on every wait; exits 1 on a timeout.
 */
const SCENARIO_MS = 120_000;
const WHOLE_MS = 25 * 60_000;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const setting = (name: string, fallback: number) => {
  const raw = process.env[name];
  return raw && /^[1-9]\d{0,3}$/.test(raw) ? Number(raw) : fallback;
};

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'plain';
  const options = { ...FAIR, seconds: setting('BENCH_SECONDS', FAIR.seconds), pairs: setting('BENCH_PAIRS', FAIR.pairs) };
  console.log(`delivery vs pgbench, alternated: node ${process.version}, ${cpus().length} CPUs, load ${load()}`);
  let server: BenchServer;
  const given = process.env['BENCH_DATABASE_URL'];
  if (given) server = { label: 'BENCH_DATABASE_URL', url: given, stop: async () => undefined };
  else if (which === 'managed') server = await within(SCENARIO_MS, 'starting the managed server', startManagedServer());
  else {
    const plain = await within(SCENARIO_MS, 'starting the plain server', startPlainServer());
    server = { label: `plain (TCP 127.0.0.1, PostgreSQL ${plain.version})`, url: plain.url, pid: plain.pid, stop: plain.stop };
  }
  const stopServer = defer(server.label, server.stop);
  const binary = await locatePgbench();
  const target = await within(SCENARIO_MS, 'pgbench table', pgbenchTarget(server.url, binary));
  const dropTarget = defer('pgbench schema', target.dispose);
  console.log(`server: ${server.label}; pgbench: ${binary} -n -M prepared -c N -j min(N,2) -T ${options.seconds}, one single-row INSERT (200-byte text) per transaction`);
  console.log(`delivery: N senders at once, each one 200-byte peer message after another for ${options.seconds} s (after ${options.warmUpSeconds} s untimed); order A W B A W B … A W per series (A pgbench's INSERT, W pgbench running the delivery's own write, B pods)`);
  await within(SCENARIO_MS, 'the untimed warm-up deliveries', warmUpDelivery(server.url, server.label, { senders: DELIVERY_SHAPE.senders, perSender: DELIVERY_SHAPE.warmUpPerSender }));
  await fairComparison(server, target, options, (line) => console.log(line));
  await dropTarget();
  await stopServer();
  console.log(`load at the end ${load()}`);
}

setTimeout(() => {
  console.error(`delivery-vs-pgbench: did not finish within ${WHOLE_MS / 60_000} minutes`);
  void runCleanups().finally(() => process.exit(1));
}, WHOLE_MS).unref();
main().then(
  async () => process.exit((await runCleanups()) ? 0 : 1),
  async (error: unknown) => {
    console.error(`delivery-vs-pgbench: ${error instanceof Error ? error.message : String(error)}`);
    await runCleanups();
    process.exit(1);
  },
);
