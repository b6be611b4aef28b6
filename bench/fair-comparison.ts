import { loadavg } from 'node:os';
import pg from 'pg';
import { serverBenchStore, type BenchStore } from './bench-stores.js';
import { within } from './deadline.js';
import { percentile } from './percentiles.js';
import type { PgbenchTarget } from './pgbench.js';
import { deliveryFor, type Throughput } from './scenarios.js';

/**
 * Delivery against pgbench's single-row INSERT, fairly (issue 25): for each number of
 * clients (pgbench) = senders (pods), and each receiver shape, the two alternate A B A B … A,
 * each run `seconds` long, so every delivery run has a pgbench run right before and right
 * after it; a delivery run's ratio is its rate over the mean of those two (linear drift of
 * the machine cancels), and the series' ratio is the median of those. Beside each rate, the
 * write transactions per message (each one a flushed commit): the server's transaction-id
 * counter over the run, whole server (a private one here).
 */
export type FairOptions = { readonly clients: readonly number[]; readonly pairs: number; readonly seconds: number; readonly warmUpSeconds: number };
export const FAIR: FairOptions = { clients: [1, 8, 32], pairs: 3, seconds: 10, warmUpSeconds: 2 };

/** The issue-25 targets: delivery ÷ pgbench ≥ 80 % with one sender, ≥ 100 % with 8 and 32. */
export const fairTarget = (clients: number): number => (clients === 1 ? 0.8 : 1);

export type Measured = { readonly rate: number; readonly commitsPer: number; readonly cpuMsPerMessage?: number; readonly load: number };
export type FairSeries = {
  readonly clients: number;
  readonly receivers: 'one' | 'own';
  readonly pgbench: readonly Measured[];
  readonly delivery: readonly Measured[];
  /** delivery run i ÷ mean(pgbench run i, pgbench run i + 1). */
  readonly ratios: readonly number[];
  readonly ratio: number;
};

/** The next transaction id the server will assign: the difference over a run is its write transactions. */
async function nextXid(client: pg.Client): Promise<bigint> {
  const { rows } = await client.query<{ x: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as x');
  return BigInt(rows[0]!.x);
}

export async function fairComparison(
  server: { readonly label: string; readonly url: string },
  target: PgbenchTarget,
  options: FairOptions,
  log: (line: string) => void,
): Promise<readonly FairSeries[]> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const out: FairSeries[] = [];
  try {
    for (const clients of options.clients) {
      for (const receivers of clients === 1 ? (['one'] as const) : (['one', 'own'] as const)) {
        const what = `${clients} client(s) ${receivers === 'one' ? '→ 1 Pod' : `→ ${clients} Pods`}`;
        const store: BenchStore = await within(120_000, `opening a store on ${server.label}`, serverBenchStore(server.url, server.label));
        const pgbench: Measured[] = [];
        const delivery: Measured[] = [];
        try {
          const runBench = async () => {
            const before = await nextXid(admin);
            const run = await target.runFor(clients, options.seconds);
            const commits = Number((await nextXid(admin)) - before);
            pgbench.push({ rate: run.tps, commitsPer: commits / run.transactions, load: loadavg()[0]! });
          };
          await runBench();
          for (let k = 0; k < options.pairs; k += 1) {
            let before = 0n;
            let commits = 0;
            const t: Throughput = await within(options.seconds * 1_000 + 120_000, `delivery, ${what}`, deliveryFor(store.opened, {
              senders: clients, seconds: options.seconds, warmUpSeconds: options.warmUpSeconds, receivers, prefix: `r${k}-`,
              mark: async (phase) => {
                if (phase === 'start') before = await nextXid(admin);
                else commits = Number((await nextXid(admin)) - before);
              },
            }));
            delivery.push({ rate: t.perSecond, commitsPer: commits / t.messages, cpuMsPerMessage: t.cpuMsPerMessage, load: loadavg()[0]! });
            await runBench();
          }
        } finally {
          await store.dispose();
        }
        const ratios = delivery.map((d, i) => d.rate / ((pgbench[i]!.rate + pgbench[i + 1]!.rate) / 2));
        const series: FairSeries = { clients, receivers, pgbench, delivery, ratios, ratio: percentile(ratios, 50) };
        out.push(series);
        for (const line of seriesLines(series, what)) log(line);
      }
    }
  } finally {
    await admin.end();
  }
  return out;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;
const rate = (m: Measured) => `${Math.round(m.rate).toLocaleString('en')}/s (${m.commitsPer.toFixed(2)} commits each)`;

/** One line per run in the order they ran, then the series' verdict. */
export function seriesLines(s: FairSeries, what: string): readonly string[] {
  const lines = [`  ${what}:`];
  s.pgbench.forEach((a, i) => {
    lines.push(`    pgbench  ${rate(a).padEnd(32)} load ${a.load.toFixed(2)}`);
    const b = s.delivery[i];
    if (b) lines.push(`    delivery ${rate(b).padEnd(32)} load ${b.load.toFixed(2)}   ${b.cpuMsPerMessage?.toFixed(3)} ms Node CPU/msg   ÷ pgbench around it ${pct(s.ratios[i]!)}`);
  });
  const median = (xs: readonly Measured[], pick: (m: Measured) => number) => percentile(xs.map(pick), 50);
  const target = fairTarget(s.clients);
  lines.push(
    `    median: delivery ${Math.round(median(s.delivery, (m) => m.rate)).toLocaleString('en')} msgs/s at ${median(s.delivery, (m) => m.commitsPer).toFixed(2)} commits/msg, ` +
      `pgbench ${Math.round(median(s.pgbench, (m) => m.rate)).toLocaleString('en')} tps at ${median(s.pgbench, (m) => m.commitsPer).toFixed(2)} commits/tx; ` +
      `delivery ÷ pgbench ${pct(s.ratio)} (runs ${s.ratios.map(pct).join(', ')}; target ≥ ${pct(target)} ${s.ratio >= target ? '✓' : '✗'})`,
  );
  return lines;
}
