import 'reflect-metadata';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { serverBenchStore, startManagedServer, type BenchServer, type BenchStore } from './bench-stores.js';
import { BenchTimeout, defer, runCleanups, within } from './deadline.js';
import type { Latency } from './percentiles.js';
import { percentile } from './percentiles.js';
import { peerWakeLatency, type WakeLatency } from './peer-wake-latency.js';
import { startPlainServer } from './plain-postgres.js';
import { mib, treeMemory, type TreeMemory } from './process-memory.js';
import { deliveryThroughput, handshakeLatency, listPodsAt1000, warmUpDelivery, DELIVERY_SHAPE, type Throughput } from './scenarios.js';
import { liveTurns } from './live-turns.js';
import { hostHistoryMemory } from './host-history-memory.js';
import { readPodOutputBench } from './read-pod-output.js';
import { listPodsCurveLines, listPodsCurves } from './list-pods.js';
import { mcpRoundTrip } from './mcp-round-trip.js';
import { startUp, type Spread, type StartUpReport } from './start-up.js';
import { sandboxBench, sandboxLines } from './sandbox.js';
import { agentLatency, agentLatencyLines } from './agent-latency.js';
import { agentMemory, agentMemoryLines } from './agent-memory.js';
import { agentStart, agentStartLines } from './agent-start.js';
import { locatePgbench, pgbenchTarget } from './pgbench.js';
import { FAIR, fairComparison, type FairSeries } from './fair-comparison.js';

/**
 * `npm run bench`, in one run:
 * 1. delivery throughput (8 concurrent senders) on the managed server (Unix socket) and on a
 *    plain PostgreSQL server over TCP loopback (started here from the same binaries, or
 *    BENCH_DATABASE_URL), alternated over three rounds, and the ratio managed/plain; then, on
 *    the managed server, delivery against pgbench's single-row INSERT alternated run by run
 *    with 1, 8 and 32 senders (bench/fair-comparison.ts, two delivery runs per series here);
 *    the server's memory after delivery; ListPods, handshake and peer wake-up on each, twice;
 *    MCP round trips; live turns (model-request build cost at 1,000 / 10,000 / 20,000 history
 *    entries, the first streamed text on a tmux terminal: bench/live-turns.ts);
 * 2. `pods tui` to its prompt, cold and warm (tmux, else a pipe), and `pods --help`, `ls`,
 *    `tool main ListPods '{}'`; the TUI's peak RSS.
 * Fixed counts and a deadline on every wait: it ends by itself, non-zero on a timeout.
 */
const ROUNDS = 3;
const { senders: SENDERS, perSender: PER_SENDER, warmUpPerSender: WARM_UP_PER_SENDER } = DELIVERY_SHAPE;
const LIST_RUNS = 200;
const WAKE_RUNS = 100;
const SCENARIO_MS = 120_000;
const WHOLE_BENCH_MS = 22 * 60_000;

type Receivers = 'one' | 'own';
type Delivery = { readonly store: string; readonly round: number; readonly receivers: Receivers; readonly throughput: Throughput };
type Latencies = { readonly store: string; readonly pass: number; readonly listPods1000Ms: Latency; readonly handshakeMs: Latency; readonly peerWake: WakeLatency };
type Ratio = {
  /** Medians over the rounds, msgs/s. */
  readonly managed: number;
  readonly plain: number;
  /** managed / plain of the medians: the figure the target is about. */
  readonly ratio: number;
  readonly withinTenPercent: boolean;
  /** managed / plain within each round (the two ran back to back). */
  readonly perRound: readonly number[];
  /** Each store's own spread over the rounds, max / min − 1: the machine's noise. */
  readonly spreadManaged: number;
  readonly spreadPlain: number;
};

const RECEIVERS = { one: '→ 1 Pod ', own: `→ ${SENDERS} Pods` } as const;

/**
 * One round: a fresh schema on each server, then `one` and `own` delivery on both,
 * back to back in ABBA order (the first store alternates between rounds), so each pair
 * shares the machine's state as far as possible. The servers' memory is read at the end,
 * with pods' pools (10 connections) and LISTEN connections still open.
 */
async function deliveryRound(
  servers: readonly [BenchServer, BenchServer],
  round: number,
  memory: Record<string, TreeMemory>,
): Promise<Delivery[]> {
  const stores: BenchStore[] = [];
  try {
    for (const server of servers) stores.push(await within(SCENARIO_MS, `opening a store on ${server.label}`, serverBenchStore(server.url, server.label)));
    const first = round % 2 === 1 ? [0, 1] : [1, 0];
    const rows: Delivery[] = [];
    for (const [k, receivers] of (['one', 'own'] as const).entries()) {
      const line: string[] = [];
      for (const i of k === 0 ? first : [...first].reverse()) {
        const store = stores[i]!;
        const throughput = await within(SCENARIO_MS, `delivery (${receivers}) on ${store.label}`,
          deliveryThroughput(store.opened, { senders: SENDERS, perSender: PER_SENDER, receivers, prefix: `${receivers}-` }));
        rows.push({ store: store.label, round, receivers, throughput });
        const cpu = `${throughput.cpuMsPerMessage.toFixed(2)} ms CPU/msg`;
        line.push(`${i === 0 ? 'managed' : 'plain'} ${perSecond(throughput).padStart(7)} (${cpu})`);
      }
      const [m, p] = [0, 1].map((i) => rows.find((r) => r.receivers === receivers && r.store === servers[i]!.label)!.throughput.perSecond);
      console.log(`  round ${round}  ${RECEIVERS[receivers]}  ${line.join('  ')}   managed/plain ${(m! / p!).toFixed(2)}   (load ${loadavg()[0]!.toFixed(2)})`);
    }
    for (const server of servers) if (server.pid) memory[server.label] = await treeMemory(server.pid);
    return rows;
  } finally {
    for (const store of stores) await store.dispose();
  }
}

async function latencies(server: BenchServer, pass: number): Promise<Latencies> {
  const store = await within(SCENARIO_MS, `opening a store on ${server.label}`, serverBenchStore(server.url, server.label));
  try {
    const { opened } = store;
    return {
      store: server.label,
      pass,
      listPods1000Ms: await within(SCENARIO_MS, 'ListPods at 1,000 Pods', listPodsAt1000(opened, LIST_RUNS)),
      handshakeMs: await within(SCENARIO_MS, 'handshakes', handshakeLatency(opened, LIST_RUNS)),
      peerWake: await within(SCENARIO_MS, 'peer wake-up across two processes', peerWakeLatency(store, store.url, WAKE_RUNS, 5)),
    };
  } finally {
    await store.dispose();
  }
}

/** Delivery against pgbench's single-row INSERT on `server`, alternated run by run, 1, 8 and 32 senders (bench/fair-comparison.ts). */
async function againstPgbenchOn(server: BenchServer): Promise<readonly FairSeries[] | undefined> {
  const binary = await locatePgbench().catch((error: unknown) => {
    console.log(`  pgbench comparison skipped: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (!binary) return undefined;
  const options = { ...FAIR, pairs: 2 };
  console.log(`\ndelivery vs pgbench on ${server.label}, alternated A W B … A W, ${options.seconds} s per run: ${binary} -n -M prepared -c N -T ${options.seconds}, A one single-row INSERT per transaction, W the delivery's own write, B N senders (load ${load()})`);
  const target = await within(SCENARIO_MS, `pgbench's table on ${server.label}`, pgbenchTarget(server.url, binary));
  try {
    return await fairComparison(server, target, options, (line) => console.log(line));
  } finally {
    await target.dispose();
  }
}

const median = (xs: readonly number[]) => percentile(xs, 50);
function ratioOf(rows: readonly Delivery[], managed: string, plain: string, receivers: Receivers): Ratio {
  const rates = (label: string) => rows.filter((d) => d.store === label && d.receivers === receivers).sort((x, y) => x.round - y.round).map((d) => d.throughput.perSecond);
  const [m, p] = [rates(managed), rates(plain)];
  const ratio = median(m) / median(p);
  const spreadOf = (xs: readonly number[]) => Math.max(...xs) / Math.min(...xs) - 1;
  return {
    managed: median(m), plain: median(p), ratio, withinTenPercent: Math.abs(ratio - 1) <= 0.1,
    perRound: m.map((x, i) => x / p[i]!), spreadManaged: spreadOf(m), spreadPlain: spreadOf(p),
  };
}

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
  console.log(`\ndelivery, ${SENDERS} senders × ${PER_SENDER} messages, ${ROUNDS} rounds, ABBA order: managed = ${managed.label}, plain = ${plain.label}${plainVersion ? ` (PostgreSQL ${plainVersion})` : ''}`);
  const rows: Delivery[] = [];
  const memory: Record<string, TreeMemory> = {};
  for (const server of [managed, plain]) {
    await within(SCENARIO_MS, `the untimed warm-up deliveries on ${server.label}`, warmUpDelivery(server.url, server.label, { senders: SENDERS, perSender: WARM_UP_PER_SENDER }));
  }
  for (let round = 1; round <= ROUNDS; round += 1) rows.push(...(await deliveryRound([managed, plain], round, memory)));
  const ratios = {
    oneReceiver: ratioOf(rows, managed.label, plain.label, 'one'),
    ownReceivers: ratioOf(rows, managed.label, plain.label, 'own'),
  };
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  for (const [receivers, r] of [['one', ratios.oneReceiver], ['own', ratios.ownReceivers]] as const) {
    console.log(
      `  median ${RECEIVERS[receivers]}: managed ${Math.round(r.managed)}/s, plain ${Math.round(r.plain)}/s, managed/plain ${r.ratio.toFixed(2)} ` +
        `${r.withinTenPercent ? '(within 10 % ✓)' : '(NOT within 10 % ✗)'}; rounds spread managed ${pct(r.spreadManaged)}, plain ${pct(r.spreadPlain)}`,
    );
  }
  for (const [label, m] of Object.entries(memory)) {
    console.log(`  server memory after delivery, ${label}: ${m.processes} processes, ΣVmRSS ${mib(m.rssBytes)}, ΣPss ${mib(m.pssBytes)}`);
  }
  // Delivery ÷ pgbench, alternated run by run (issue 25).
  const againstPgbench = await section('delivery against pgbench', () => againstPgbenchOn(managed));

  // Two passes in opposite order, so neither store always runs on a cooler machine.
  const stores: Latencies[] = [];
  for (const [pass, order] of [[1, [managed, plain]], [2, [plain, managed]]] as const) {
    for (const server of order) {
      console.log(`\n${server.label}, pass ${pass}`);
      const l = await section(`latencies on ${server.label}, pass ${pass}`, () => latencies(server, pass));
      if (!l) continue;
      stores.push(l);
      console.log(`  ListPods, 1,000 visible Pods   p50 ${ms(l.listPods1000Ms.p50)}  p99 ${ms(l.listPods1000Ms.p99)}  (${l.listPods1000Ms.samples} runs)`);
      console.log(`  handshake                      p50 ${ms(l.handshakeMs.p50)}  p99 ${ms(l.handshakeMs.p99)}  (${l.handshakeMs.samples} runs)`);
      console.log(`  SendToPeerPod → other host's turn start   p50 ${ms(l.peerWake.toTurnStart.p50)}  p99 ${ms(l.peerWake.toTurnStart.p99)}  (${l.peerWake.toTurnStart.samples} runs)`);
      console.log(`  SendToPeerPod → other host's answer       p50 ${ms(l.peerWake.toAnswer.p50)}  p99 ${ms(l.peerWake.toAnswer.p99)}`);
    }
  }
  const curves = await section('ListPods by visible Pods', () => listPodsCurves([managed, plain]));
  if (curves) for (const line of [`\nListPods by visible Pods (load ${load()})`, ...listPodsCurveLines(curves)]) console.log(line);
  await stopPlain();
  await stopManaged();

  // MCP: two `pods mcp` processes over stdio on their own managed server.
  console.log(`\nMCP over stdio, two pods mcp processes on one managed store (load ${load()})`);
  const mcp = await section('MCP', () => mcpRoundTrip());
  if (mcp) {
    console.log(`  tool call round trip (ListPods)          p50 ${ms(mcp.roundTripMs.p50)}  p99 ${ms(mcp.roundTripMs.p99)}  (${mcp.roundTripMs.samples} calls)`);
    console.log(`  SendToPeerPod → in the other's next result  p50 ${ms(mcp.sendToNextResultMs.p50)}  p99 ${ms(mcp.sendToNextResultMs.p99)}  (${mcp.sendToNextResultMs.samples} messages)`);
    console.log(`  SendToPeerPod → ends the other's ListPods wait_ms  p50 ${ms(mcp.sendToWaitingResultMs.p50)}  p99 ${ms(mcp.sendToWaitingResultMs.p99)}  (${mcp.sendToWaitingResultMs.samples} messages)`);
    console.log(`  stdin ends (SIGTERM 0–40 ms later) → exited  p50 ${ms(mcp.giveBack.endToExitMs.p50)}  p99 ${ms(mcp.giveBack.endToExitMs.p99)}  (${mcp.giveBack.endToExitMs.samples} processes)`);
    console.log(`  stdin ends (SIGTERM 0–40 ms later) → Pod free in the store  p50 ${ms(mcp.giveBack.endToFreeMs.p50)}  p99 ${ms(mcp.giveBack.endToFreeMs.p99)}  (lease 60 s: given back)`);
  }

  // Live turns: request build cost by history length, the first streamed text on a terminal.
  console.log(`\nlive turns, on their own managed server (load ${load()})`);
  const live = await section('live turns', () => liveTurns((line) => console.log(line)));

  // A host's memory after a turn on a Pod of 1,000 and of 200,000 entries (issue 25), its own managed server.
  console.log(`\na host's memory on a long history, pods serve with dist/pods.mjs (load ${load()})`);
  const hostMemory = await section("a host's memory on a long history", () => hostHistoryMemory(join(import.meta.dirname, '..', 'pods.mjs'), (line) => console.log(line)));

  // ReadPodOutput on a child far ahead of its parent's cursor: the bounded read beside the whole one it replaced.
  console.log(`\nReadPodOutput, 20,000 messages behind the cursor, its own managed server (load ${load()})`);
  await section('ReadPodOutput', () => readPodOutputBench(20_000, (line) => console.log(`  ${line}`)));

  // 2. Start-up of the CLI and the TUI, each on its own managed server.
  console.log(`\nstart-up (load ${load()})`);
  const startup = await section('start-up', () => startUp((line) => console.log(line)));
  if (startup) printStartUp(startup);

  // 3. The agent sandbox: what bubblewrap adds to a process start, and a permission decision.
  console.log(`\nagent sandbox (load ${load()})`);
  const sandbox = await section('agent sandbox', () => sandboxBench());
  if (sandbox) for (const text of sandboxLines(sandbox)) console.log(`  ${text}`);
  // 4. Agent-driven Pods with the scripted agent: what pods adds around a prompt and an update,
  // a host's memory with 20 parked agents, an agent's start with and without the sandbox
  // (the real agents' figures: node dist/bench/agents.js).
  console.log(`\nagent-driven Pods, scripted agent (load ${load()})`);
  const agents = await section('agent-driven Pods', async () => ({
    latency: await agentLatency(), memory: await agentMemory(), start: await agentStart(['scripted']),
  }));
  if (agents) {
    for (const text of [...agentLatencyLines(agents.latency), ...agentMemoryLines(agents.memory), ...agentStartLines(agents.start)]) console.log(`  ${text}`);
  }
  console.log(`\nload at the end ${load()}`);

  if (process.env['BENCH_JSON']) {
    console.log(JSON.stringify({ machine: { ...machine, loadAtEnd: loadavg() }, delivery: rows, ratios, againstPgbench, serverMemory: memory, stores, mcp, live, hostMemory, startup, sandbox, agents, failures }, null, 2));
  }
  if (failures.length > 0) throw new Error(`${failures.length} section(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
}

/**
 * A section whose own checks failed (a refused call, a sample's own timeout) is reported
 * and the bench goes on; the run still exits 1. A deadline of `within` ends the run at
 * once: the work it stopped waiting for may still be going on.
 */
const failures: string[] = [];
async function section<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BenchTimeout) throw error;
    const message = error instanceof Error ? error.message : String(error);
    failures.push(`${what}: ${message}`);
    console.log(`  FAILED: ${message}`);
    return undefined;
  }
}

function printStartUp(startup: StartUpReport): void {
  console.log(`  entry: node ${startup.entry}`);
  console.log(`  method: ${startup.method === 'tmux' ? 'tmux 80×24 pane, polled every 5 ms for `main>`' : 'pipe: `pods tui` given `:quit`, timed to exit'}`);
  if (startup.methodFloorMs) console.log(`  method floor (sh prints the prompt at once)  ${spreadMs(startup.methodFloorMs)}`);
  for (const [i, c] of startup.cold.entries()) {
    console.log(`  TUI cold start ${i + 1} (new cluster + server + TUI)  ${ms(c.ms)}${c.storeReadySeconds !== undefined ? `  (of which "store ready in ${c.storeReadySeconds.toFixed(1)} s")` : ''}  peak RSS ${mib(c.peakRssBytes)}`);
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
}

let ending: Promise<never> | undefined;
/** Runs the cleanups once, then exits; later calls wait for the first. */
function end(code: number, message?: string): Promise<never> {
  ending ??= (async () => {
    if (message) console.error(`bench: ${message}`);
    const clean = await runCleanups();
    process.exit(clean ? code : code || 1);
  })();
  return ending;
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (ending) {
      console.error(`bench: ${signal} again: exiting before the cleanups finished`);
      process.exit(code);
    }
    void end(code, `${signal}: stopping the servers and removing temp dirs`);
  });
}
// Once ending, the servers go away under open pools: their errors no longer matter.
process.on('uncaughtException', (error) => {
  if (!ending) void end(1, error.message);
});
setTimeout(() => void end(1, `the whole bench did not finish within ${WHOLE_BENCH_MS / 60_000} minutes`), WHOLE_BENCH_MS).unref();

main().then(
  () => end(0),
  (error: unknown) => end(1, error instanceof Error ? error.message : String(error)),
);
