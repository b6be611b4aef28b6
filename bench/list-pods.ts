import { InMemoryProfileCatalog } from '../src/adapters/profiles/in-memory-profile-catalog.js';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KYSELY_DB } from '../src/adapters/persistence/postgres/kysely-db-token.js';
import { KyselyUnitOfWork } from '../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { NamedStatementPool } from '../src/adapters/persistence/postgres/connection/named-statement-pool.js';
import type { Database } from '../src/adapters/persistence/postgres/schema/database.js';
import { SystemClock } from '../src/adapters/system/system-clock.js';
import { LIST_PODS_LIMITS, ListPods } from '../src/application/use-cases/list-pods.js';
import type { OpenedInversifyContainer } from '../src/composition/container.js';
import { PodName } from '../src/domain/pod-name.js';
import { visibleCount } from '../src/domain/visible-page.js';
import { serverBenchStore, type BenchStore } from './bench-stores.js';
import { within } from './deadline.js';
import { seedListing, seedOthers, type ListingShape } from './list-pods-world.js';
import { explainListPods, tableSizes, type ListPodsPlan } from './list-pods-plans.js';
import { latencyOf, timeEach, type Latency } from './percentiles.js';

export { seedListing, type ListingShape } from './list-pods-world.js';

/**
 * ListPods' first page (issue 25) against the number of Pods its caller sees (100, 1,000 and
 * 10,000, every child live or every child stopped), on two stores of one server: *crowded*,
 * which also holds OTHERS Pods the caller cannot see, and *alone*, which holds only the
 * callers' worlds. The two are timed in alternating rounds (ABBA…), so the machine's drift
 * falls on both; the target is crowded p50 ≤ 5 ms and ≤ ×1.5 alone.
 */
export const LISTING_SIZES = [100, 1_000, 10_000] as const;
export const OTHERS = 100_000;
const SHAPES = ['live', 'stopped'] as const;
const ROUNDS = 6;
const PER_ROUND = 40;
const POINT_MS = 180_000;

/** `runs` timed first-page calls as `boss` (a tenth as many untimed first), each checked to hold the first page and count `visible` Pods. */
export async function listPodsLatency(opened: OpenedInversifyContainer, boss: string, visible: number, runs: number): Promise<Latency> {
  return latencyOf(await listPodsSamples(opened, boss, visible, runs, Math.max(3, Math.ceil(runs / 10))));
}

async function listPodsSamples(opened: OpenedInversifyContainer, boss: string, visible: number, runs: number, warmUp: number): Promise<number[]> {
  const listPods = opened.container.get(ListPods);
  return timeEach(runs, warmUp, async () => {
    const listed = await listPods.execute({ caller: PodName.unsafe(boss) });
    if (!listed.ok || listed.value.pods.length !== Math.min(visible, LIST_PODS_LIMITS.default) || visibleCount(listed.value.totals) !== visible) {
      throw new Error(`ListPods as ${boss} did not give the first page of ${visible} Pods`);
    }
  });
}

/** The statements one ListPods call sends, BEGIN and COMMIT included, counted through a Kysely log hook on a pool of its own. */
export async function statementsPerListPods(url: string, boss: string): Promise<number> {
  let count = 0;
  let counting = false;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new NamedStatementPool(pool) }), log: () => void (counting && (count += 1)) });
  try {
    const listPods = new ListPods(new KyselyUnitOfWork(db), new SystemClock(), new InMemoryProfileCatalog());
    await listPods.execute({ caller: PodName.unsafe(boss) }); // connections open, statements prepared
    counting = true;
    await listPods.execute({ caller: PodName.unsafe(boss) });
    return count;
  } finally {
    await db.destroy();
  }
}

export type ListingPoint = {
  readonly shape: ListingShape;
  readonly visible: number;
  readonly crowded: Latency;
  readonly alone: Latency;
  readonly statements: number;
};
export type ListingCurve = {
  readonly store: string;
  readonly others: number;
  readonly points: readonly ListingPoint[];
  /** EXPLAIN ANALYZE of the callers asked for, on the crowded store. */
  readonly plans?: readonly (ListPodsPlan & { readonly sizes: string })[];
};

/** The curve on one server: both stores seeded, then each point timed in alternating rounds. */
export async function listPodsCurve(server: { readonly label: string; readonly url: string }, options: { readonly plans?: readonly string[] } = {}): Promise<ListingCurve> {
  const open = (what: string) => within(POINT_MS, `opening the ${what} store on ${server.label}`, serverBenchStore(server.url, server.label));
  const crowded = await open('crowded');
  let alone: BenchStore | undefined;
  try {
    alone = await open('alone');
    await within(POINT_MS, `seeding ${OTHERS} other Pods on ${server.label}`, seedOthers(crowded.opened.container.get(KYSELY_DB), OTHERS));
    const points: ListingPoint[] = [];
    for (const shape of SHAPES) {
      for (const visible of LISTING_SIZES) {
        const boss = `${shape}${visible}`;
        const point = within(POINT_MS, `ListPods at ${visible} visible Pods (${shape}) on ${server.label}`, (async (): Promise<ListingPoint> => {
          for (const store of [crowded, alone!]) await seedListing(store.opened.container.get(KYSELY_DB), boss, visible, shape);
          const samples = { crowded: [] as number[], alone: [] as number[] };
          for (let round = 0; round < ROUNDS; round += 1) {
            const order = round % 2 === 0 ? (['crowded', 'alone'] as const) : (['alone', 'crowded'] as const);
            for (const which of order) {
              const store = which === 'crowded' ? crowded : alone!;
              samples[which].push(...(await listPodsSamples(store.opened, boss, visible, PER_ROUND, round < 2 ? 10 : 2)));
            }
          }
          return { shape, visible, crowded: latencyOf(samples.crowded), alone: latencyOf(samples.alone), statements: await statementsPerListPods(crowded.url, boss) };
        })());
        points.push(await point);
      }
    }
    const db = crowded.opened.container.get(KYSELY_DB);
    const sizes = await tableSizes(db);
    const plans = [];
    for (const boss of options.plans ?? []) plans.push({ ...(await explainListPods(db, crowded.url, boss)), sizes });
    return { store: server.label, others: OTHERS, points, ...(plans.length > 0 ? { plans } : {}) };
  } finally {
    await alone?.dispose();
    await crowded.dispose();
  }
}

/** Every server's curve, one after another. */
export async function listPodsCurves(servers: readonly { readonly label: string; readonly url: string }[]): Promise<readonly ListingCurve[]> {
  const curves: ListingCurve[] = [];
  for (const server of servers) curves.push(await listPodsCurve(server));
  return curves;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

/** The lines `npm run bench` prints: per shape and size, p50/p99 crowded, p50 alone, their ratio, the statements per call. */
export function listPodsCurveLines(curves: readonly ListingCurve[]): readonly string[] {
  const lines: string[] = [];
  for (const curve of curves) {
    lines.push(`  ${curve.store}: first page (${LIST_PODS_LIMITS.default} Pods); crowded = ${curve.others.toLocaleString('en')} other Pods in the store, alone = only the callers' worlds`);
    for (const p of curve.points) {
      const ratio = p.crowded.p50 / p.alone.p50;
      const met = p.crowded.p50 <= 5 && ratio <= 1.5 ? 'target met' : 'target missed';
      lines.push(`    ${p.shape.padEnd(7)} ${p.visible.toLocaleString('en').padStart(6)} visible   crowded p50 ${ms(p.crowded.p50).padStart(8)}  p99 ${ms(p.crowded.p99).padStart(8)}   alone p50 ${ms(p.alone.p50).padStart(8)}   ×${ratio.toFixed(2)}  (${p.crowded.samples} + ${p.alone.samples} runs, ${p.statements} statement(s) per call; ${met})`);
    }
  }
  return lines;
}
