import { sql, type Kysely, type Selectable } from 'kysely';
import type { HistoryRange } from '../../../../application/ports/history-repository.js';
import type { PodArchive, RemovedPod } from '../../../../application/ports/pod-archive.js';
import type { HistoryEntry } from '../../../../domain/history-entry.js';
import { PodName } from '../../../../domain/pod-name.js';
import { DEFAULT_PROFILE_NAME, ProfileName } from '../../../../domain/profile-name.js';
import type { ScopeRule } from '../../../../domain/scope-rule.js';
import type { Announce } from '../notify/commit-notices.js';
import type { Database, RemovedPodTable } from '../schema/database.js';

const REMOVED_COLUMNS = ['id', 'name', 'removed_at', 'scope', 'parent', 'created_at', 'profile', 'entries'] as const;

const toRemoved = (row: Pick<Selectable<RemovedPodTable>, (typeof REMOVED_COLUMNS)[number]>): RemovedPod => ({
  id: row.id,
  removedAt: row.removed_at,
  pod: {
    name: PodName.unsafe(row.name),
    scope: row.scope as readonly ScopeRule[],
    origin: row.parent === null ? { type: 'operator' } : { type: 'spawned', parent: PodName.unsafe(row.parent) },
    createdAt: row.created_at,
    ...(row.profile === DEFAULT_PROFILE_NAME ? {} : { profile: ProfileName.unsafe(row.profile) }),
  },
  entries: row.entries,
});

/** Tables whose rows name a Pod in a `pod` column, emptied of a removed one (before `pod` itself, for the foreign keys). */
const ROWS_OF_POD = ['history_entry', 'audit_record', 'lease', 'inbound_cursor', 'agent_session'] as const;

export class KyselyPodArchive implements PodArchive {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly announce: Announce,
  ) {}

  async archive(name: PodName, removal: { readonly id: string; readonly at: Date }): Promise<RemovedPod> {
    const { db } = this;
    // The row lock keeps a host from taking a lease (its foreign key check waits on it) until this commits.
    const pod = await db.selectFrom('pod').select(['name', 'scope', 'parent', 'created_at', 'profile', 'last_seq']).where('name', '=', name).forUpdate().executeTakeFirst();
    if (!pod) throw new Error(`no pod \`${name}\` to remove`);
    const lease = await db.selectFrom('lease').select('expires_at').where('pod', '=', name).executeTakeFirst();
    if (lease && lease.expires_at.getTime() > removal.at.getTime()) throw new Error(`pod \`${name}\` became live while it was being removed`);
    const audit = await db.selectFrom('audit_record').select(['id', 'at', 'action', 'relation_id', 'counterpart', 'initiated_from', 'via']).where('pod', '=', name).orderBy('position').execute();
    await db.insertInto('removed_pod').values({
      id: removal.id,
      name,
      removed_at: removal.at,
      scope: JSON.stringify(pod.scope),
      parent: pod.parent,
      created_at: pod.created_at,
      profile: pod.profile,
      entries: pod.last_seq,
      audit: JSON.stringify(audit),
    }).execute();
    // Moved by the server: no process holds a history in memory, however long.
    await sql`insert into removed_history_entry (removal_id, seq, kind, at, body)
      select ${removal.id}, seq, kind, at, body from history_entry where pod = ${name}`.execute(db);
    for (const table of ROWS_OF_POD) await db.deleteFrom(table).where('pod', '=', name).execute();
    await db.deleteFrom('child_ownership').where('child', '=', name).execute();
    await db.deleteFrom('pod').where('name', '=', name).execute();
    await this.announce(name, { removed: true });
    return toRemoved({ ...pod, id: removal.id, name, removed_at: removal.at, entries: pod.last_seq });
  }

  async removals(name: PodName): Promise<readonly RemovedPod[]> {
    const rows = await this.db.selectFrom('removed_pod').select(REMOVED_COLUMNS).where('name', '=', name).orderBy('removed_at').orderBy('id').execute();
    return rows.map(toRemoved);
  }

  async readRemoved(removalId: string, range: Omit<HistoryRange, 'before'> = {}): Promise<readonly HistoryEntry[]> {
    const limit = range.limit === undefined ? undefined : Math.trunc(range.limit);
    if (limit !== undefined && limit <= 0) return [];
    let query = this.db
      .selectFrom('removed_history_entry as e')
      .innerJoin('removed_pod as p', 'p.id', 'e.removal_id')
      .select(['p.name', 'e.seq', 'e.kind', 'e.at', 'e.body'])
      .where('e.removal_id', '=', removalId)
      .orderBy('e.seq');
    if (range.after !== undefined && range.after > 0) query = query.where('e.seq', '>', Math.min(range.after, 2 ** 31 - 1));
    if (limit !== undefined) query = query.limit(limit);
    const rows = await query.execute();
    return rows.map((row) => ({ kind: row.kind, ...row.body, pod: PodName.unsafe(row.name), seq: row.seq, at: row.at }) as HistoryEntry);
  }
}
