import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { startManagedServer, type BenchServer } from './bench-stores.js';
import { defer, runCleanups, within } from './deadline.js';
import { listPodsCurve, listPodsCurveLines } from './list-pods.js';
import { startPlainServer } from './plain-postgres.js';

/**
 * `node dist/bench/list-pods-alone.js [managed|plain]`: the ListPods part of `npm run bench`
 * alone, on one server (default: managed; BENCH_DATABASE_URL for your own), with the plans of
 * the first page at 100 and 10,000 visible Pods in the crowded store (BENCH_PLANS=0: none).
 */
const WHOLE_MS = 20 * 60_000;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  console.log(`ListPods, first page: node ${process.version}, ${cpus().length} CPUs, load ${load()}`);
  const given = process.env['BENCH_DATABASE_URL'];
  let server: BenchServer;
  if (given) server = { label: 'BENCH_DATABASE_URL', url: given, stop: async () => undefined };
  else if (process.argv[2] === 'plain') {
    const plain = await within(120_000, 'starting the plain server', startPlainServer());
    server = { label: `plain (TCP 127.0.0.1, PostgreSQL ${plain.version})`, url: plain.url, stop: plain.stop };
  } else server = await within(120_000, 'starting the managed server', startManagedServer());
  const stop = defer(server.label, server.stop);
  const curve = await listPodsCurve(server, { plans: process.env['BENCH_PLANS'] !== '0' ? ['live100', 'live10000', 'stopped10000'] : [] });
  for (const line of listPodsCurveLines([curve])) console.log(line);
  for (const p of curve.plans ?? []) {
    const sorted = [...p.serverMs].sort((x, y) => x - y);
    console.log(`\nplan: ${p.boss} (${p.sizes}); server time with timing off, min / median of 10: ${sorted[0]} / ${sorted[5]} ms\n${p.plan}`);
  }
  await stop();
  console.log(`load at the end ${load()}`);
}

setTimeout(() => {
  console.error(`list-pods-alone: did not finish within ${WHOLE_MS / 60_000} minutes`);
  void runCleanups().finally(() => process.exit(1));
}, WHOLE_MS).unref();
main().then(
  async () => process.exit((await runCleanups()) ? 0 : 1),
  async (error: unknown) => {
    console.error(`list-pods-alone: ${error instanceof Error ? error.message : String(error)}`);
    await runCleanups();
    process.exit(1);
  },
);
