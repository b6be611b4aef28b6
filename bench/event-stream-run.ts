import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startManagedServer } from './bench-stores.js';
import { dashBench, medianOf, populate } from './dash-bench.js';
import { defer, runCleanups, within } from './deadline.js';
import { idleStatements } from './idle-statements.js';
import { startPlainServer } from './plain-postgres.js';
import { viewerLatency } from './viewer-latency.js';

/**
 * `node dist/bench/event-stream-run.js`, the figures of issue 27 in one run:
 * 1. a streamed chunk on the host → shown by a viewer TUI in another process (p50/p99);
 * 2. `pods dash` with 1,000 Pods: first paint (in process, and as a process) and idle CPU;
 * 3. statements per second on an idle store, this CLI and (BASELINE_PODS=path/to/pods.mjs)
 *    an earlier build, alternated over two rounds.
 */
const ENTRY = fileURLToPath(new URL('../pods.mjs', import.meta.url));
const BASELINE = process.env['BASELINE_PODS'];
const fmt = (ms: number) => ms.toFixed(1);

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`);
  const managed = await startManagedServer();
  defer('the managed server', managed.stop);
  const viewer = await within(300_000, 'the viewer latency', viewerLatency(ENTRY, managed.home, 10, 10));
  console.log(`viewer: streamed chunk on the host → shown in a viewer TUI in another process: p50 ${fmt(viewer.p50)} ms, p99 ${fmt(viewer.p99)} ms (${viewer.samples} chunks)`);

  await within(300_000, 'making 1,000 Pods', populate(managed.home, 1_000));
  const dash = await within(300_000, 'the dashboard', dashBench(ENTRY, managed.home, 1_000, 30_000));
  console.log(`dash: ${dash.pods} Pods, first paint in process p50 ${fmt(medianOf(dash.inProcessMs))} ms (runs ${dash.inProcessMs.map(fmt).join(', ')} ms); ` +
    `as a process (Node start, store open) ${fmt(dash.processMs)} ms; idle CPU ${dash.idleCpuPercent.toFixed(2)} % over ${dash.idleWindowS.toFixed(0)} s`);

  const plain = await startPlainServer();
  defer('the plain server', plain.stop);
  const builds = [['this build', ENTRY], ...(BASELINE ? [['baseline', BASELINE]] : [])] as const;
  for (let round = 1; round <= 2; round += 1) {
    for (const [label, entry] of round === 1 ? builds : [...builds].reverse()) {
      const schema = `idle_${label.replace(/\W/g, '_')}_${round}`;
      const admin = new pg.Client({ connectionString: plain.url });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.end();
      const idle = await within(180_000, `idle statements (${label})`, idleStatements(entry, plain.url, schema, 30_000));
      console.log(`idle store, ${label}, round ${round}: ${idle.perSecond.toFixed(2)} statements/s over ${idle.windowS.toFixed(0)} s (${idle.scene})`);
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
