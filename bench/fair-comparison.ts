import { loadavg } from 'node:os';
import pg from 'pg';
import { serverBenchStore, type BenchStore } from './bench-stores.js';
import { within } from './deadline.js';
import { percentile } from './percentiles.js';
import { deliveryWriteScript } from './delivery-write-script.js';
import type { PgbenchTarget } from './pgbench.js';
import { deliveryFor, deliveryPods, type Throughput } from './scenarios.js';

/**
 * Delivery against pgbench's single-row INSERT, fairly (issue 25): for each number of
 * clients (pgbench) = senders (pods), and each receiver shape, the runs alternate
 * A W B A W B … A W, each `seconds` long: A pgbench's single-row INSERT, W pgbench running
 * pods' own delivery write (bench/delivery-write-script.ts: the same rows a delivery changes,
 * one transaction per message, no pods code), B pods delivery. Every delivery run has an A and
 * a W right before and right after it; a run's ratio is its rate over the mean of those two
 * (linear drift of the machine cancels), the series' ratio the median. W ÷ A is what the data
 * a delivery must write costs against the INSERT, B ÷ W what pods adds to it. Beside each
 * rate, per message: the write transactions (the server's transaction-id counter; a wake-up
 * notice's transaction takes an id too, though its commit is not flushed) and the WAL flushes
 * (fsyncs: what a durable commit waits for), whole server (a private one here).
 */
export type FairOptions = { readonly clients: readonly number[]; readonly pairs: number; readonly seconds: number; readonly warmUpSeconds: number };
export const FAIR: FairOptions = { clients: [1, 8, 32], pairs: 3, seconds: 10, warmUpSeconds: 2 };

/** The issue-25 targets: delivery ÷ pgbench ≥ 80 % with one sender, ≥ 100 % with 8 and 32. */
export const fairTarget = (clients: number): number => (clients === 1 ? 0.8 : 1);

export type Measured = { readonly rate: number; readonly commitsPer: number; readonly flushesPer: number; readonly cpuMsPerMessage?: number; readonly load: number };
export type FairSeries = {
  readonly clients: number;
  readonly receivers: 'one' | 'own';
  readonly pgbench: readonly Measured[];
  /** pgbench running the delivery's own write (W). */
  readonly write: readonly Measured[];
  readonly delivery: readonly Measured[];
  /** delivery run i ÷ mean(pgbench run i, pgbench run i + 1). */
  readonly ratios: readonly number[];
  readonly ratio: number;
  /** mean(W around delivery run i) ÷ mean(A around it): the delivery write's own ceiling against the INSERT. */
  readonly writeRatios: readonly number[];
  /** delivery run i ÷ mean(W run i, W run i + 1): pods' share of what its write allows. */
  readonly overWrite: readonly number[];
};

/**
 * WAL flushes (fsync calls) the server has made: `pg_stat_io` from PostgreSQL 16 on,
 * `pg_stat_wal.wal_sync` before. A backend hands its counts over at most a second after it
 * goes idle, so a reading after a run waits until two readings 250 ms apart agree (3 s at most).
 */
async function walFlushes(client: pg.Client): Promise<number> {
  const { rows: [version] } = await client.query<{ v: string }>(`select current_setting('server_version_num') as v`);
  const statement = Number(version!.v) >= 160000 ? `select coalesce(sum(fsyncs), 0)::text as n from pg_stat_io where object = 'wal'` : `select wal_sync::text as n from pg_stat_wal`;
  const read = async () => Number((await client.query<{ n: string }>(statement)).rows[0]!.n);
  let last = await read();
  for (const until = Date.now() + 3_000; Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  return last;
}

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
        const write: Measured[] = [];
        const delivery: Measured[] = [];
        try {
          const schema = new URL(store.url).searchParams.get('options')?.replace('-c search_path=', '') ?? '';
          await deliveryPods(store.opened, clients, receivers, 'w-');
          const writeScript = await target.addScript(`write-${clients}-${receivers}`, deliveryWriteScript(schema, 'w-', receivers, 200));
          const runBench = async (into: Measured[], script?: string) => {
            const [before, flushed] = [await nextXid(admin), await walFlushes(admin)];
            const run = await target.runFor(clients, options.seconds, script);
            const commits = Number((await nextXid(admin)) - before);
            const flushes = (await walFlushes(admin)) - flushed;
            into.push({ rate: run.tps, commitsPer: commits / run.transactions, flushesPer: flushes / run.transactions, load: loadavg()[0]! });
          };
          await runBench(pgbench);
          await runBench(write, writeScript);
          for (let k = 0; k < options.pairs; k += 1) {
            let before = 0n;
            let commits = 0;
            let flushed = 0;
            const t: Throughput = await within(options.seconds * 1_000 + 120_000, `delivery, ${what}`, deliveryFor(store.opened, {
              senders: clients, seconds: options.seconds, warmUpSeconds: options.warmUpSeconds, receivers, prefix: `r${k}-`,
              mark: async (phase) => {
                if (phase === 'start') [before, flushed] = [await nextXid(admin), await walFlushes(admin)];
                else commits = Number((await nextXid(admin)) - before);
              },
            }));
            // Read once the run has stopped: its last second's flushes are handed over by then, and nothing else runs.
            const flushes = (await walFlushes(admin)) - flushed;
            delivery.push({ rate: t.perSecond, commitsPer: commits / t.messages, flushesPer: flushes / t.messages, cpuMsPerMessage: t.cpuMsPerMessage, load: loadavg()[0]! });
            await runBench(pgbench);
            await runBench(write, writeScript);
          }
        } finally {
          await store.dispose();
        }
        const around = (xs: readonly Measured[], i: number) => (xs[i]!.rate + xs[i + 1]!.rate) / 2;
        const ratios = delivery.map((d, i) => d.rate / around(pgbench, i));
        const writeRatios = delivery.map((_, i) => around(write, i) / around(pgbench, i));
        const overWrite = delivery.map((d, i) => d.rate / around(write, i));
        const series: FairSeries = { clients, receivers, pgbench, write, delivery, ratios, ratio: percentile(ratios, 50), writeRatios, overWrite };
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
const rate = (m: Measured) => `${Math.round(m.rate).toLocaleString('en')}/s (${m.commitsPer.toFixed(2)} commits, ${m.flushesPer.toFixed(2)} WAL flushes each)`;

/** One line per run in the order they ran, then the series' verdict. */
export function seriesLines(s: FairSeries, what: string): readonly string[] {
  const lines = [`  ${what}:`];
  s.pgbench.forEach((a, i) => {
    lines.push(`    pgbench  ${rate(a).padEnd(48)} load ${a.load.toFixed(2)}`);
    const w = s.write[i];
    if (w) lines.push(`    write    ${rate(w).padEnd(48)} load ${w.load.toFixed(2)}   (pgbench running the delivery's own write)`);
    const b = s.delivery[i];
    if (b) lines.push(`    delivery ${rate(b).padEnd(48)} load ${b.load.toFixed(2)}   ${b.cpuMsPerMessage?.toFixed(3)} ms Node CPU/msg   ÷ pgbench around it ${pct(s.ratios[i]!)}, ÷ write ${pct(s.overWrite[i]!)}`);
  });
  const median = (xs: readonly Measured[], pick: (m: Measured) => number) => percentile(xs.map(pick), 50);
  const target = fairTarget(s.clients);
  lines.push(
    `    median: delivery ${Math.round(median(s.delivery, (m) => m.rate)).toLocaleString('en')} msgs/s at ${median(s.delivery, (m) => m.commitsPer).toFixed(2)} commits and ${median(s.delivery, (m) => m.flushesPer).toFixed(2)} WAL flushes per msg, ` +
      `pgbench ${Math.round(median(s.pgbench, (m) => m.rate)).toLocaleString('en')} tps at ${median(s.pgbench, (m) => m.commitsPer).toFixed(2)} commits and ${median(s.pgbench, (m) => m.flushesPer).toFixed(2)} flushes per tx; ` +
      `delivery ÷ pgbench ${pct(s.ratio)} (runs ${s.ratios.map(pct).join(', ')}; target ≥ ${pct(target)} ${s.ratio >= target ? '✓' : '✗'})`,
    `    the delivery's write under pgbench ÷ the INSERT ${pct(percentile(s.writeRatios, 50))} (runs ${s.writeRatios.map(pct).join(', ')}); ` +
      `delivery ÷ that write ${pct(percentile(s.overWrite, 50))} (runs ${s.overWrite.map(pct).join(', ')})`,
  );
  return lines;
}
