import type { Kysely, Selectable } from 'kysely';
import type { PodRepository } from '../../../../application/ports/pod-repository.js';
import type { Pod } from '../../../../domain/pod.js';
import { PodName } from '../../../../domain/pod-name.js';
import { DEFAULT_PROFILE_NAME, ProfileName } from '../../../../domain/profile-name.js';
import type { ScopeRule } from '../../../../domain/scope-rule.js';
import type { Database, PodTable } from '../schema/database.js';
import type { Announce } from '../notify/commit-notices.js';

const COLUMNS = ['name', 'scope', 'parent', 'created_at', 'profile'] as const;

const toPod = (row: Pick<Selectable<PodTable>, (typeof COLUMNS)[number]>): Pod => ({
  name: PodName.unsafe(row.name),
  scope: row.scope as readonly ScopeRule[],
  origin: row.parent === null ? { type: 'operator' } : { type: 'spawned', parent: PodName.unsafe(row.parent) },
  createdAt: row.created_at,
  ...(row.profile === DEFAULT_PROFILE_NAME ? {} : { profile: ProfileName.unsafe(row.profile) }),
});

export class KyselyPodRepository implements PodRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly announce: Announce,
  ) {}

  async add(pod: Pod): Promise<'added' | 'exists'> {
    const inserted = await this.db
      .insertInto('pod')
      .values({
        name: pod.name,
        scope: JSON.stringify(pod.scope),
        parent: pod.origin.type === 'spawned' ? pod.origin.parent : null,
        created_at: pod.createdAt,
        profile: pod.profile ?? DEFAULT_PROFILE_NAME,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    if (!inserted) return 'exists';
    // Announced once committed, like a history entry, so a following `pods serve` hears of the new Pod.
    await this.announce(pod.name, { created: true });
    return 'added';
  }

  async get(name: PodName): Promise<Pod | undefined> {
    const row = await this.db.selectFrom('pod').select(COLUMNS).where('name', '=', name).executeTakeFirst();
    return row && toPod(row);
  }

  async lock(name: PodName): Promise<Pod | undefined> {
    // NO KEY: new rows that only reference the Pod (its history, its children) need not wait.
    const row = await this.db.selectFrom('pod').select(COLUMNS).where('name', '=', name).forNoKeyUpdate().executeTakeFirst();
    return row && toPod(row);
  }

  async list(): Promise<readonly Pod[]> {
    const rows = await this.db.selectFrom('pod').select(COLUMNS).orderBy('name').execute();
    return rows.map(toPod);
  }

  async unserved(now: Date): Promise<readonly PodName[]> {
    // Names only: a sweep that finds nothing free sends no Pod back.
    const rows = await this.db
      .selectFrom('pod')
      .select('name')
      .where(({ exists, not, selectFrom }) => not(exists(selectFrom('lease').select('lease.pod').whereRef('lease.pod', '=', 'pod.name').where('lease.expires_at', '>', now))))
      .where(({ exists, not, selectFrom }) => not(exists(selectFrom('child_ownership').select('child_ownership.child').whereRef('child_ownership.child', '=', 'pod.name').where('child_ownership.state', '=', 'stopped'))))
      .orderBy('name')
      .execute();
    return rows.map((row) => PodName.unsafe(row.name));
  }
}
