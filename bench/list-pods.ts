import { InMemoryProfileCatalog } from '../src/adapters/profiles/in-memory-profile-catalog.js';
import { Kysely, PostgresDialect, sql, type Insertable } from 'kysely';
import pg from 'pg';
import { KYSELY_DB } from '../src/adapters/persistence/postgres/kysely-db-token.js';
import { KyselyUnitOfWork } from '../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { NamedStatementPool } from '../src/adapters/persistence/postgres/named-statement-pool.js';
import type { ChildOwnershipTable, Database, LeaseTable, PeerRelationTable, PodTable } from '../src/adapters/persistence/postgres/database.js';
import { SystemClock } from '../src/adapters/system/system-clock.js';
import { ListPods } from '../src/application/use-cases/list-pods.js';
import type { OpenedInversifyContainer } from '../src/composition/container.js';
import { PodName } from '../src/domain/pod-name.js';
import { serverBenchStore } from './bench-stores.js';
import { within } from './deadline.js';
import { latencyOf, timeEach, type Latency } from './percentiles.js';

/**
 * ListPods against the number of Pods its caller sees: 10, 100, 1,000 and 10,000, each
 * in two shapes (every child live, or every child stopped by its parent, which ListPods
 * checks for restore), with the statements one call sends.
 */

/**
 * What the caller sees besides itself:
 * - `live`: only children, every one outstanding and held by a host; every fifth has a child of its own;
 * - `stopped`: only children, every one stopped by the caller (so each gets a restore check); every fifth has a child of its own;
 * - `mixed`: half children (every other one live, the first 40 % with a child of their own), half peers.
 */
export type ListingShape = 'live' | 'stopped' | 'mixed';

export const LISTING_SIZES = [10, 100, 1_000, 10_000] as const;
const CURVE_SHAPES = ['live', 'stopped'] as const;
/** Timed calls per size (after a tenth as many untimed, at least 3): bounded in count and, below, in time. */
const RUNS: Readonly<Record<(typeof LISTING_SIZES)[number], number>> = { 10: 200, 100: 200, 1_000: 100, 10_000: 30 };
const POINT_MS = 120_000;
const CHUNK = 1_000;

const pad = (i: number): string => String(i).padStart(5, '0');
const write = (target: string) => [{ target, permission: 'write', recursive: true }];

/**
 * Seeds `boss` seeing `visible` Pods (itself included) in `shape`, with multi-row inserts
 * (the listing, not the seeding, is what is measured), then ANALYZE, as autovacuum would
 * soon after. Names are prefixed with `boss`, so several seeds share one schema.
 */
export async function seedListing(db: Kysely<Database>, boss: string, visible: number, shape: ListingShape): Promise<void> {
  const now = new Date();
  const later = new Date(now.getTime() + 3_600_000);
  const pods: Insertable<PodTable>[] = [{ name: boss, scope: JSON.stringify(write('/work')), parent: null, created_at: now }];
  const edges: Insertable<ChildOwnershipTable>[] = [];
  const leases: Insertable<LeaseTable>[] = [];
  const relations: Insertable<PeerRelationTable>[] = [];
  const others = visible - 1;
  const children = shape === 'mixed' ? Math.floor(visible / 2) : others;
  for (let i = 0; i < children; i += 1) {
    const child = `${boss}-kid${pad(i)}`;
    const scope = JSON.stringify(write(`/work/${child}`));
    const stopped = shape === 'stopped';
    pods.push({ name: child, scope, parent: boss, created_at: now });
    edges.push({ parent: boss, child, scope, state: stopped ? 'stopped' : 'outstanding', spawned_at: now, stopped_at: stopped ? now : null, output_cursor: 0 });
    if (shape === 'live' || (shape === 'mixed' && i % 2 === 0)) leases.push({ pod: child, host_id: 'bench-host', status: 'idle', expires_at: later, driver: 'model' });
    if (shape === 'mixed' ? i < Math.floor(children * 0.4) : i % 5 === 0) {
      const grandchild = `${boss}-grand${pad(i)}`;
      pods.push({ name: grandchild, scope, parent: child, created_at: now });
      edges.push({ parent: child, child: grandchild, scope, state: 'outstanding', spawned_at: now, stopped_at: null, output_cursor: 0 });
    }
  }
  for (let i = 0; i < others - children; i += 1) {
    const peer = `${boss}-peer${pad(i)}`;
    pods.push({ name: peer, scope: '[]', parent: null, created_at: now });
    const [a, b] = boss < peer ? [boss, peer] : [peer, boss];
    relations.push({ a, b, id: `rel_${peer}`, since: now, initiated_from: boss, audit_id: `aud_${peer}`, last_pair_seq: 0, auto_turns: 0 });
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < pods.length; i += CHUNK) await trx.insertInto('pod').values(pods.slice(i, i + CHUNK)).execute();
    for (let i = 0; i < edges.length; i += CHUNK) await trx.insertInto('child_ownership').values(edges.slice(i, i + CHUNK)).execute();
    for (let i = 0; i < leases.length; i += CHUNK) await trx.insertInto('lease').values(leases.slice(i, i + CHUNK)).execute();
    for (let i = 0; i < relations.length; i += CHUNK) await trx.insertInto('peer_relation').values(relations.slice(i, i + CHUNK)).execute();
  });
  await sql`analyze pod, child_ownership, lease, peer_relation`.execute(db);
}

/** `runs` timed ListPods calls as `boss` (a tenth as many untimed first), each checked to list `visible` Pods. */
export async function listPodsLatency(opened: OpenedInversifyContainer, boss: string, visible: number, runs: number): Promise<Latency> {
  const listPods = opened.container.get(ListPods);
  const samples = await timeEach(runs, Math.max(3, Math.ceil(runs / 10)), async () => {
    const listed = await listPods.execute({ caller: PodName.unsafe(boss) });
    if (!listed.ok || listed.value.length !== visible) throw new Error(`ListPods as ${boss} did not list ${visible} Pods`);
  });
  return latencyOf(samples);
}

export type StatementCount = { readonly statements: number; readonly source: 'pg_stat_statements' | 'kysely log' };

/**
 * The statements one ListPods call sends, BEGIN and COMMIT included: from
 * pg_stat_statements when the server has it (loaded and created in this database), else
 * counted through a Kysely log hook on a pool of its own (the same adapter and use case as
 * the container's).
 */
export async function statementsPerListPods(url: string, boss: string): Promise<StatementCount> {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  admin.on('error', () => undefined);
  let count = 0;
  let counting = false;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new NamedStatementPool(pool) }),
    log: () => {
      if (counting) count += 1;
    },
  });
  try {
    const listPods = new ListPods(new KyselyUnitOfWork(db), new SystemClock(), new InMemoryProfileCatalog());
    const call = async () => {
      const listed = await listPods.execute({ caller: PodName.unsafe(boss) });
      if (!listed.ok) throw new Error(`ListPods as ${boss} failed`);
    };
    await call(); // connections open, statements prepared
    const stats = await pgStatStatements(admin);
    counting = true;
    await call();
    counting = false;
    if (stats) {
      const { rows } = await admin.query<{ calls: string | null }>(
        `select sum(calls)::text as calls from ${stats}.pg_stat_statements
          where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%'`,
      );
      if (rows[0]?.calls) return { statements: Number(rows[0].calls), source: 'pg_stat_statements' };
    }
    return { statements: count, source: 'kysely log' };
  } finally {
    await db.destroy();
    await admin.end();
  }
}

/** The schema of pg_stat_statements, reset, when it is created in this database and loaded by the server; else undefined. */
async function pgStatStatements(admin: pg.Pool): Promise<string | undefined> {
  const { rows } = await admin.query<{ schema: string }>(
    `select quote_ident(n.nspname) as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements'`,
  );
  const schema = rows[0]?.schema;
  if (!schema) return undefined;
  return admin.query(`select ${schema}.pg_stat_statements_reset()`).then(() => schema, () => undefined);
}

export type ListingPoint = { readonly shape: ListingShape; readonly visible: number; readonly latency: Latency; readonly perCall: StatementCount };
export type ListingCurve = { readonly store: string; readonly points: readonly ListingPoint[] };

/** The curve on one server: a private schema per shape, sizes seeded one after another into it. */
export async function listPodsCurve(server: { readonly label: string; readonly url: string }): Promise<ListingCurve> {
  const points: ListingPoint[] = [];
  for (const shape of CURVE_SHAPES) {
    const store = await within(POINT_MS, `opening a store on ${server.label}`, serverBenchStore(server.url, server.label));
    try {
      const db = store.opened.container.get(KYSELY_DB);
      for (const visible of LISTING_SIZES) {
        const boss = `${shape}${visible}`;
        const what = `ListPods at ${visible} visible Pods (${shape}) on ${server.label}`;
        const point = await within(POINT_MS, what, (async (): Promise<ListingPoint> => {
          await seedListing(db, boss, visible, shape);
          const latency = await listPodsLatency(store.opened, boss, visible, RUNS[visible]);
          return { shape, visible, latency, perCall: await statementsPerListPods(store.url, boss) };
        })());
        points.push(point);
      }
    } finally {
      await store.dispose();
    }
  }
  return { store: server.label, points };
}

/** Every server's curve, one after another. */
export async function listPodsCurves(servers: readonly { readonly label: string; readonly url: string }[]): Promise<readonly ListingCurve[]> {
  const curves: ListingCurve[] = [];
  for (const server of servers) curves.push(await listPodsCurve(server));
  return curves;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

/** The lines `npm run bench` prints: p50/p99 per size and shape, statements per call, and the growth from 1,000 to 10,000. */
export function listPodsCurveLines(curves: readonly ListingCurve[]): readonly string[] {
  const lines: string[] = [];
  for (const curve of curves) {
    lines.push(`  ${curve.store}`);
    for (const shape of CURVE_SHAPES) {
      const points = curve.points.filter((p) => p.shape === shape);
      for (const p of points) {
        lines.push(`    ${shape.padEnd(7)} ${String(p.visible.toLocaleString('en')).padStart(6)} visible   p50 ${ms(p.latency.p50).padStart(9)}  p99 ${ms(p.latency.p99).padStart(9)}  (${p.latency.samples} runs)   ${p.perCall.statements} statements per call (${p.perCall.source})`);
      }
      const [at1000, at10000] = [1_000, 10_000].map((n) => points.find((p) => p.visible === n)?.latency.p50);
      if (at1000 && at10000) lines.push(`    ${shape.padEnd(7)} p50 at 10,000 / at 1,000: ×${(at10000 / at1000).toFixed(1)}`);
    }
  }
  return lines;
}
