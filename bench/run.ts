import 'reflect-metadata';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { serverBenchStore, startManagedServer, type BenchServer } from './bench-stores.js';
import { defer, runCleanups, within } from './deadline.js';
import type { Latency } from './percentiles.js';
import { percentile } from './percentiles.js';
import { peerWakeLatency, type WakeLatency } from './peer-wake-latency.js';
import { startPlainServer } from './plain-postgres.js';
import { mib, treeMemory, type TreeMemory } from './process-memory.js';
import { deliveryThroughput, handshakeLatency, listPodsAt1000, type Throughput } from './scenarios.js';
import { startUp, type Spread, type StartUpReport } from './start-up.js';

/**
 * `npm run bench`, in one run:
 * 1. delivery throughput (8 concurrent senders) on the managed server (Unix socket) and on a
 *    plain PostgreSQL server over TCP loopback (started here from the same binaries, or
 *    BENCH_DATABASE_URL), alternated over three rounds, and the ratio managed/plain;
 *    the server's memory after delivery; ListPods, handshake and peer wake-up once on each;
 * 2. `pods tui` to its prompt, cold and warm (tmux, else a pipe), and `pods --help`, `ls`,
 *    `tool main ListPods '{}'`; the TUI's peak RSS.
 * Fixed counts and a deadline on every wait: it ends by itself, non-zero on a timeout.
 */
const ROUNDS = 3;
const SENDERS = 8;
const PER_SENDER = 500;
const LIST_RUNS = 200;
const WAKE_RUNS = 100;
const SCENARIO_MS = 120_000;
const WHOLE_BENCH_MS = 9 * 60_000;

type Delivery = { readonly store: string; readonly round: number; readonly oneReceiver: Throughput; readonly ownReceivers: Throughput };
type Latencies = { readonly store: string; readonly listPods1000Ms: Latency; readonly handshakeMs: Latency; readonly peerWake: WakeLatency };
type Ratio = { readonly managed: number; readonly plain: number; readonly ratio: number; readonly withinTenPercent: boolean };

async function delivery(server: BenchServer, round: number): Promise<{ result: Delivery; memory?: TreeMemory }> {
  const store = await within(SCENARIO_MS, `opening a store on ${server.label}`, serverBenchStore(server.url, server.label));
  try {
    const run = (receivers: 'one' | 'own') =>
      within(SCENARIO_MS, `delivery (${receivers}) on ${server.label}`,
        deliveryThroughput(store.opened, { senders: SENDERS, perSender: PER_SENDER, receivers, prefix: `${receivers}-` }));
    const oneReceiver = await run('one');
    const ownReceivers = await run('own');
    // With pods' pool (10) and its LISTEN connection still open: the server as a host sees it.
    const memory = server.pid ? await treeMemory(server.pid) : undefined;
    return { result: { store: server.label, round, oneReceiver, ownReceivers }, ...(memory ? { memory } : {}) };
  } finally {
    await store.dispose();
  }
}

async function latencies(server: BenchServer): Promise<Latencies> {
  const store = await within(SCENARIO_MS, `opening a store on ${server.label}`, serverBenchStore(server.url, server.label));
  try {
    const { opened } = store;
    return {
      store: server.label,
      listPods1000Ms: await within(SCENARIO_MS, 'ListPods at 1,000 Pods', listPodsAt1000(opened, LIST_RUNS)),
      handshakeMs: await within(SCENARIO_MS, 'handshakes', handshakeLatency(opened, LIST_RUNS)),
      peerWake: await within(SCENARIO_MS, 'peer wake-up across two processes', peerWakeLatency(store, store.url, WAKE_RUNS, 5)),
    };
  } finally {
    await store.dispose();
  }
}

const median = (xs: readonly number[]) => percentile(xs, 50);
const ratioOf = (rows: readonly Delivery[], managed: string, plain: string, pick: (d: Delivery) => Throughput): Ratio => {
  const of = (label: string) => median(rows.filter((d) => d.store === label).map((d) => pick(d).perSecond));
  const [m, p] = [of(managed), of(plain)];
  return { managed: m, plain: p, ratio: m / p, withinTenPercent: Math.abs(m / p - 1) <= 0.1 };
};

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const spreadMs = (s: Spread) => `p50 ${ms(s.p50)}  max ${ms(s.max)}  (${s.samples.length} runs)`;
const perSecond = (t: Throughput) => `${Math.round(t.perSecond)}/s`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const machine = { node: process.version, cpus: cpus().length, totalBytes: totalmem(), freeBytes: freemem(), loadAtStart: loadavg() };
  console.log(`pods bench: node ${process.version}, ${cpus().length} CPUs, ${gib(totalmem())} RAM (${gib(freemem())} free), load ${load()}`);

  // 1. The two servers, alternated.
  const managed = await within(SCENARIO_MS, 'starting the managed server', startManagedServer());
  const stopManaged = defer('managed bench server', managed.stop);
  const given = process.env['BENCH_DATABASE_URL'];
  let plain: BenchServer;
  let stopPlain: () => Promise<void> = async () => undefined;
  let plainVersion = '';
  if (given) {
    plain = { label: 'plain (BENCH_DATABASE_URL)', url: given, stop: async () => undefined };
  } else {
    const started = await within(SCENARIO_MS, 'starting the plain PostgreSQL server', startPlainServer());
    plain = { label: 'plain (TCP 127.0.0.1)', url: started.url, pid: started.pid, stop: started.stop };
    plainVersion = started.version;
    stopPlain = defer('plain PostgreSQL server', started.stop);
  }
  console.log(`\ndelivery, ${SENDERS} senders × ${PER_SENDER} messages, ${ROUNDS} rounds alternating (${managed.label} vs ${plain.label}${plainVersion ? `, PostgreSQL ${plainVersion}` : ''})`);
  const rows: Delivery[] = [];
  const memory: Record<string, TreeMemory> = {};
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order = round % 2 === 1 ? [managed, plain] : [plain, managed];
    for (const server of order) {
      const { result, memory: m } = await delivery(server, round);
      rows.push(result);
      if (m) memory[server.label] = m;
      console.log(`  round ${round}  ${server.label.padEnd(26)} → 1 Pod ${perSecond(result.oneReceiver).padStart(7)}   → ${SENDERS} Pods ${perSecond(result.ownReceivers).padStart(7)}`);
    }
  }
  const ratios = {
    oneReceiver: ratioOf(rows, managed.label, plain.label, (d) => d.oneReceiver),
    ownReceivers: ratioOf(rows, managed.label, plain.label, (d) => d.ownReceivers),
  };
  for (const [name, r] of [[`→ 1 Pod `, ratios.oneReceiver], [`→ ${SENDERS} Pods`, ratios.ownReceivers]] as const) {
    console.log(`  median ${name}: managed ${Math.round(r.managed)}/s, plain ${Math.round(r.plain)}/s, managed/plain ${r.ratio.toFixed(3)} ${r.withinTenPercent ? '(within 10 % ✓)' : '(NOT within 10 %)'}`);
  }
  for (const [label, m] of Object.entries(memory)) {
    console.log(`  server memory after delivery, ${label}: ${m.processes} processes, ΣVmRSS ${mib(m.rssBytes)}, ΣPss ${mib(m.pssBytes)}`);
  }

  const stores: Latencies[] = [];
  for (const server of [managed, plain]) {
    const l = await latencies(server);
    stores.push(l);
    console.log(`\n${server.label}`);
    console.log(`  ListPods, 1,000 visible Pods   p50 ${ms(l.listPods1000Ms.p50)}  p99 ${ms(l.listPods1000Ms.p99)}  (${l.listPods1000Ms.samples} runs)`);
    console.log(`  handshake                      p50 ${ms(l.handshakeMs.p50)}  p99 ${ms(l.handshakeMs.p99)}  (${l.handshakeMs.samples} runs)`);
    console.log(`  SendToPeerPod → other host's turn start   p50 ${ms(l.peerWake.toTurnStart.p50)}  p99 ${ms(l.peerWake.toTurnStart.p99)}  (${l.peerWake.toTurnStart.samples} runs)`);
    console.log(`  SendToPeerPod → other host's answer       p50 ${ms(l.peerWake.toAnswer.p50)}  p99 ${ms(l.peerWake.toAnswer.p99)}`);
  }
  await stopPlain();
  await stopManaged();

  // 2. Start-up of the CLI and the TUI, each on its own managed server.
  console.log(`\nstart-up (load ${load()})`);
  const startup: StartUpReport = await startUp((line) => console.log(line));
  console.log(`  entry: node ${startup.entry}`);
  console.log(`  method: ${startup.method === 'tmux' ? 'tmux 80×24 pane, polled every 5 ms for `main>`' : 'pipe: `pods tui` given `:quit`, timed to exit'}`);
  if (startup.methodFloorMs) console.log(`  method floor (sh prints the prompt at once)  ${spreadMs(startup.methodFloorMs)}`);
  for (const [i, c] of startup.cold.entries()) {
    console.log(`  TUI cold start ${i + 1} (new cluster + server + TUI)  ${ms(c.ms)}${c.storeReadySeconds !== undefined ? `  (of which "store ready in ${c.storeReadySeconds} s")` : ''}  peak RSS ${mib(c.peakRssBytes)}`);
  }
  console.log(`  TUI warm start (server running)   ${spreadMs(startup.warmMs)}   target ≤ 500 ms ${startup.warmMs.p50 <= 500 ? '✓' : '✗'}`);
  const rssAtPrompt = startup.warm.map((w) => w.rssAtPromptBytes).filter((x): x is number => x !== undefined);
  if (rssAtPrompt.length > 0) console.log(`  TUI RSS at the prompt             p50 ${mib(median(rssAtPrompt))}`);
  const peak = startup.warmPeakRssBytes;
  console.log(`  TUI peak RSS (VmHWM before :quit) p50 ${mib(peak.p50)}  max ${mib(peak.max)}   target ≤ 150 MB ${peak.max <= 150e6 ? '✓' : '✗'}`);
  for (const [command, s] of Object.entries(startup.cli)) console.log(`  ${command.padEnd(32)} ${spreadMs(s)}`);
  const u = startup.unbundled;
  if (u) {
    console.log(`  for comparison, unbundled (node ${u.entry}):`);
    console.log(`    TUI warm start                 ${spreadMs(u.warmMs)}   peak RSS max ${mib(u.warmPeakRssBytes.max)}`);
    console.log(`    pods --help                    ${spreadMs(u.helpMs)}`);
  }
  console.log(`\nload at the end ${load()}`);

  if (process.env['BENCH_JSON']) {
    console.log(JSON.stringify({ machine: { ...machine, loadAtEnd: loadavg() }, delivery: rows, ratios, serverMemory: memory, stores, startup }, null, 2));
  }
}

let ending = false;
async function end(code: number, message?: string): Promise<never> {
  if (!ending) {
    ending = true;
    if (message) console.error(`bench: ${message}`);
    if (!(await runCleanups())) code = code || 1;
  }
  process.exit(code);
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => void end(code, `${signal}: stopping the servers and removing temp dirs`));
}
// After a failure the servers go away under open pools; their errors no longer matter.
process.on('uncaughtException', (error) => void end(1, error.message));
setTimeout(() => void end(1, `the whole bench did not finish within ${WHOLE_BENCH_MS / 60_000} minutes`), WHOLE_BENCH_MS).unref();

main().then(
  () => end(0),
  (error: unknown) => end(1, error instanceof Error ? error.message : String(error)),
);
