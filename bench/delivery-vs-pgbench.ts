import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { serverBenchStore, startManagedServer, type BenchServer } from './bench-stores.js';
import { defer, runCleanups, within } from './deadline.js';
import { describeSummary, locatePgbench, pgbenchTarget, summarizeAgainstPgbench, type AgainstPgbench } from './pgbench.js';
import { startPlainServer } from './plain-postgres.js';
import { deliveryThroughput, DELIVERY_SHAPE, handshakeLatency, warmUpDelivery } from './scenarios.js';

/**
 * `node dist/bench/delivery-vs-pgbench.js [managed|plain]`: the delivery part of `npm run bench`
 * alone, on one server (default: a plain server on TCP loopback; BENCH_DATABASE_URL for your
 * own): an untimed warm-up of both scenarios, then three rounds of pgbench → 8 senders to
 * 1 Pod → pgbench → 8 senders to 8 Pods, then handshake latency. Fixed counts, a deadline on every wait; exits 1 on a timeout.
 */
const ROUNDS = 3;
const { senders: SENDERS, perSender: PER_SENDER, warmUpPerSender: WARM_UP_PER_SENDER } = DELIVERY_SHAPE;
const HANDSHAKES = 200;
const SCENARIO_MS = 120_000;
const WHOLE_MS = 8 * 60_000;

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'plain';
  console.log(`delivery vs pgbench: node ${process.version}, ${cpus().length} CPUs, load ${load()}`);
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
  console.log(`server: ${server.label}; pgbench: ${binary}`);
  await within(SCENARIO_MS, 'the untimed warm-up deliveries', warmUpDelivery(server.url, server.label, { senders: SENDERS, perSender: WARM_UP_PER_SENDER }));
  const rows: AgainstPgbench[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const store = await within(SCENARIO_MS, 'opening a store', serverBenchStore(server.url, server.label));
    try {
      for (const receivers of ['one', 'own'] as const) {
        const insert = await target.run(SENDERS, PER_SENDER);
        const t = await within(SCENARIO_MS, `delivery (${receivers})`,
          deliveryThroughput(store.opened, { senders: SENDERS, perSender: PER_SENDER, receivers, prefix: `${receivers}-` }));
        const ratio = t.perSecond / insert.tps;
        rows.push({ store: server.label, round, receivers, perSecond: t.perSecond, pgbenchTps: insert.tps, ratio, cpuMsPerMessage: t.cpuMsPerMessage });
        console.log(`  round ${round} → ${receivers === 'one' ? '1 Pod ' : `${SENDERS} Pods`}  pgbench ${Math.round(insert.tps)} tps  delivery ${Math.round(t.perSecond)}/s  ${Math.round(ratio * 100)} %  ${t.cpuMsPerMessage.toFixed(3)} ms CPU/msg  (load ${load()})`);
      }
      if (round === ROUNDS) {
        const h = await within(SCENARIO_MS, 'handshakes', handshakeLatency(store.opened, HANDSHAKES));
        console.log(`  handshake p50 ${h.p50.toFixed(2)} ms  p99 ${h.p99.toFixed(2)} ms  (${h.samples} runs)`);
      }
    } finally {
      await store.dispose();
    }
  }
  for (const s of summarizeAgainstPgbench(rows)) console.log(describeSummary(s, s.receivers === 'one' ? '→ 1 Pod' : `→ ${SENDERS} Pods`));
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
