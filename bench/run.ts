import 'reflect-metadata';
import { cpus, freemem, totalmem } from 'node:os';
import { managedBenchStore, serverBenchStore, type BenchStore } from './bench-stores.js';
import type { Latency } from './percentiles.js';
import { peerWakeLatency, type WakeLatency } from './peer-wake-latency.js';
import { deliveryThroughput, handshakeLatency, listPodsAt1000, type Throughput } from './scenarios.js';

/**
 * `npm run bench`: ListPods at 1,000 visible Pods, handshake latency and delivery
 * throughput with 8 concurrent senders, on PGlite and (with BENCH_DATABASE_URL or
 * TEST_DATABASE_URL) on a loopback PostgreSQL server. Fixed iteration counts: it ends by itself.
 */
const RUNS = 200;
const SENDERS = 8;
const PER_SENDER = 500;

type Report = {
  readonly store: string;
  readonly listPods1000Ms: Latency;
  readonly handshakeMs: Latency;
  readonly deliveryOneReceiver: Throughput;
  readonly deliveryOwnReceivers: Throughput;
  /** Server only: two processes, as hosts run in production. */
  readonly peerWake?: WakeLatency;
};

const WAKE_RUNS = 100;

async function measure(open: () => Promise<BenchStore>): Promise<Report> {
  const store = await open();
  try {
    const { opened } = store;
    return {
      store: store.label,
      listPods1000Ms: await listPodsAt1000(opened, RUNS),
      handshakeMs: await handshakeLatency(opened, RUNS),
      deliveryOneReceiver: await deliveryThroughput(opened, { senders: SENDERS, perSender: PER_SENDER, receivers: 'one', prefix: 'one-' }),
      deliveryOwnReceivers: await deliveryThroughput(opened, { senders: SENDERS, perSender: PER_SENDER, receivers: 'own', prefix: 'own-' }),
      ...(store.url ? { peerWake: await peerWakeLatency(store, store.url, WAKE_RUNS, 5) } : {}),
    };
  } finally {
    await store.dispose();
  }
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
const rate = (t: Throughput) => `${Math.round(t.perSecond)} msgs/s (${t.messages} in ${t.seconds.toFixed(2)} s)`;

function print(report: Report): void {
  console.log(`\n${report.store}`);
  console.log(`  ListPods, 1,000 visible Pods   p50 ${ms(report.listPods1000Ms.p50)}  p99 ${ms(report.listPods1000Ms.p99)}  (${report.listPods1000Ms.samples} runs)`);
  console.log(`  handshake                      p50 ${ms(report.handshakeMs.p50)}  p99 ${ms(report.handshakeMs.p99)}  (${report.handshakeMs.samples} runs)`);
  console.log(`  delivery, ${SENDERS} senders → 1 Pod    ${rate(report.deliveryOneReceiver)}`);
  console.log(`  delivery, ${SENDERS} senders → ${SENDERS} Pods   ${rate(report.deliveryOwnReceivers)}`);
  const wake = report.peerWake;
  if (wake) {
    console.log(`  SendToPeerPod → other host's turn start   p50 ${ms(wake.toTurnStart.p50)}  p99 ${ms(wake.toTurnStart.p99)}  (${wake.toTurnStart.samples} runs)`);
    console.log(`  SendToPeerPod → other host's answer       p50 ${ms(wake.toAnswer.p50)}  p99 ${ms(wake.toAnswer.p99)}`);
  }
}

async function main(): Promise<void> {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  console.log(`pods bench: node ${process.version}, ${cpus().length} CPUs, ${gib(totalmem())} RAM (${gib(freemem())} free)`);
  const reports: Report[] = [await measure(managedBenchStore)];
  print(reports[0]!);
  const url = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'];
  if (url) {
    const report = await measure(() => serverBenchStore(url));
    reports.push(report);
    print(report);
  } else {
    console.log('\n(no BENCH_DATABASE_URL or TEST_DATABASE_URL: server benchmark skipped)');
  }
  if (process.env['BENCH_JSON']) console.log(JSON.stringify(reports, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
