import 'reflect-metadata';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { startManagedServer } from './bench-stores.js';
import { defer, runCleanups, within } from './deadline.js';
import { firstTextLatency, HAS_TMUX, type FirstTextReport } from './first-text-latency.js';
import { requestBuildCost, type RequestCost } from './turn-request-cost.js';

const SIZES = [1_000, 20_000, 200_000] as const;
const RUNS = 20;
const FIRST_TEXT_RUNS = 30;
const SECTION_MS = 240_000;

export type LiveTurnsReport = { readonly requestCost: readonly RequestCost[]; readonly firstText?: FirstTextReport };

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** Model-request build cost by history length, and the first streamed text on a terminal, on their own managed server. */
export async function liveTurns(log: (line: string) => void): Promise<LiveTurnsReport> {
  const server = await within(SECTION_MS, 'starting the managed server', startManagedServer());
  const stop = defer('managed bench server (live turns)', server.stop);
  try {
    const requestCost: RequestCost[] = [];
    log(`  model request build cost (RunTurn + OpenAI-compatible adapter → loopback server), ${RUNS} two-step turns each (load ${load()})`);
    for (const entries of SIZES) {
      const cost = await within(SECTION_MS, `request cost at ${entries} entries`, requestBuildCost(server.url, entries, RUNS));
      requestCost.push(cost);
      const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
      log(`    ${entries.toLocaleString('en').padStart(7)} entries  first turn of the host ${ms(cost.firstTurnMs)}   turn start p50 ${ms(cost.turnStartMs.p50)} p99 ${ms(cost.turnStartMs.p99)}   next step p50 ${ms(cost.nextStepMs.p50)} p99 ${ms(cost.nextStepMs.p99)}   request ${kib(cost.requestBytes)} (max ${kib(cost.maxRequestBytes)}, ${cost.trims} trims)`);
    }
    if (!HAS_TMUX) {
      log('  first streamed text on the terminal: skipped, tmux is not installed');
      return { requestCost };
    }
    log(`  first streamed text on the terminal: loopback SSE server → pods tui in an 80×24 tmux pane, ${FIRST_TEXT_RUNS} turns (load ${load()})`);
    const firstText = await within(SECTION_MS, 'first streamed text', firstTextLatency(server.home, FIRST_TEXT_RUNS));
    log(`    server wrote the first delta → on the terminal   p50 ${ms(firstText.firstTextMs.p50)}  p99 ${ms(firstText.firstTextMs.p99)}   target ≤ 100 ms ${firstText.firstTextMs.p99 <= 100 ? '✓' : '✗'}`);
    log(`    server wrote the last delta → committed reply shown   p50 ${ms(firstText.committedMs.p50)}  p99 ${ms(firstText.committedMs.p99)}`);
    return { requestCost, firstText };
  } finally {
    await stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`pods bench, live turns (load ${load()})`);
  liveTurns((line) => console.log(line)).then(
    async () => process.exit((await runCleanups()) ? 0 : 1),
    async (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
      await runCleanups();
      process.exit(1);
    },
  );
}
