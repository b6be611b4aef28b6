import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../postgres/schema/database.js';
import { openPgliteSource } from './open-pglite-source.js';

export type ImportCounts = { readonly pods: number; readonly relations: number; readonly children: number; readonly entries: number; readonly audits: number };

const CHUNK = 500;

function* chunks<T>(rows: readonly T[]): Generator<readonly T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}

/** Parents before children, as `pod.parent` is a foreign key. */
function parentsFirst<T extends { name: string; parent: string | null }>(pods: readonly T[]): T[] {
  const byName = new Map(pods.map((p) => [p.name, p]));
  const depth = (pod: T, seen = new Set<string>()): number => {
    if (!pod.parent || seen.has(pod.name)) return 0;
    seen.add(pod.name);
    const parent = byName.get(pod.parent);
    return parent ? 1 + depth(parent, seen) : 0;
  };
  return [...pods].sort((x, y) => depth(x) - depth(y) || (x.name < y.name ? -1 : 1));
}

/** One transaction, leases not copied; a Pod name that exists in the target refuses the whole import up front. */
export async function importPgliteStore(dir: string, target: Kysely<Database>, report: (line: string) => void = () => undefined): Promise<ImportCounts> {
  const from = resolve(dir);
  if (!(await stat(join(from, 'PG_VERSION')).then(() => true, () => false))) {
    throw new Error(`${from} is not a PGlite store: it has no PG_VERSION file`);
  }
  report(`reading the PGlite store at ${from}…`);
  const source = await openPgliteSource(from);
  try {
    const db = source.db;
    const pods = parentsFirst(await db.selectFrom('pod').selectAll().execute());
    const relations = await db.selectFrom('peer_relation').selectAll().execute();
    const children = await db.selectFrom('child_ownership').selectAll().execute();
    const entries = await db.selectFrom('history_entry').selectAll().orderBy('pod').orderBy('seq').execute();
    const audits = await db.selectFrom('audit_record').select(['id', 'pod', 'at', 'action', 'relation_id', 'counterpart', 'initiated_from', 'via']).orderBy('position').execute();
    await target.transaction().execute(async (trx) => {
      if (pods.length > 0) {
        const clash = await trx.selectFrom('pod').select('name').where('name', 'in', pods.map((p) => p.name)).orderBy('name').execute();
        if (clash.length > 0) {
          const names = clash.slice(0, 10).map((p) => `\`${p.name}\``).join(', ');
          throw new Error(`this store already has Pod(s) named ${names}${clash.length > 10 ? ` and ${clash.length - 10} more` : ''}; nothing was imported`);
        }
      }
      for (const rows of chunks(pods)) {
        await trx.insertInto('pod').values(rows.map((p) => ({ name: p.name, scope: JSON.stringify(p.scope), parent: p.parent, created_at: p.created_at, last_seq: p.last_seq }))).execute();
      }
      for (const rows of chunks(relations)) await trx.insertInto('peer_relation').values([...rows]).execute();
      for (const rows of chunks(children)) {
        await trx.insertInto('child_ownership').values(rows.map((c) => ({ ...c, scope: JSON.stringify(c.scope) }))).execute();
      }
      for (const rows of chunks(entries)) {
        await trx.insertInto('history_entry').values(rows.map((e) => ({ ...e, body: JSON.stringify(e.body) }))).execute();
      }
      for (const rows of chunks(audits)) await trx.insertInto('audit_record').values([...rows]).execute();
    });
    return { pods: pods.length, relations: relations.length, children: children.length, entries: entries.length, audits: audits.length };
  } finally {
    await source.close();
  }
}
