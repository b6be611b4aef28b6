import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { listingPageStatement } from '../src/adapters/persistence/postgres/statements/listing-page-statement.js';
import type { Database } from '../src/adapters/persistence/postgres/schema/database.js';
import { LIST_PODS_LIMITS } from '../src/application/use-cases/list-pods.js';
import { PodName } from '../src/domain/pod-name.js';

export type ListPodsPlan = { readonly boss: string; readonly plan: string; readonly serverMs: readonly number[] };

/**
 * The plan of `boss`'s first ListPods page on the store `db` reaches (`url`, its search_path):
 * `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)` once, then the execution time of ten runs with
 * timing off (timing every node makes EXPLAIN ANALYZE several times slower than the statement).
 */
export async function explainListPods(db: Kysely<Database>, url: string, boss: string): Promise<ListPodsPlan> {
  const compiled = listingPageStatement({ caller: PodName.unsafe(boss), now: new Date(), limit: LIST_PODS_LIMITS.default }).compile(db);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const params = compiled.parameters as unknown[];
    await client.query(compiled.sql, params); // caches warm, as in the timed calls
    const plan = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off) ${compiled.sql}`, params);
    const serverMs: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, timing off, costs off) ${compiled.sql}`, params);
      const line = rows.map((r) => r['QUERY PLAN']).find((l) => l.startsWith('Execution Time'));
      serverMs.push(Number(/([\d.]+) ms/.exec(line ?? '')?.[1] ?? Number.NaN));
    }
    return { boss, plan: plan.rows.map((r) => r['QUERY PLAN']).join('\n'), serverMs };
  } finally {
    await client.end();
  }
}

/** The sizes of the tables a plan reads, for the record beside it. */
export async function tableSizes(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ pods: string; edges: string; leases: string; relations: string }>`select
    (select count(*) from pod)::text as pods, (select count(*) from child_ownership)::text as edges,
    (select count(*) from lease)::text as leases, (select count(*) from peer_relation)::text as relations`.execute(db);
  const r = rows[0];
  return r ? `${r.pods} Pods, ${r.edges} child edges, ${r.leases} leases, ${r.relations} peer relations` : '';
}
