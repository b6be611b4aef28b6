import type { Kysely, Selectable } from 'kysely';
import type { ChildOwnershipRepository } from '../../../../application/ports/child-ownership-repository.js';
import type { ChildOwnership } from '../../../../domain/child-ownership.js';
import { PodName } from '../../../../domain/pod-name.js';
import type { ScopeRule } from '../../../../domain/scope-rule.js';
import { anyOf } from '../statements/any-of.js';
import type { ChildOwnershipTable, Database } from '../schema/database.js';

const toOwnership = (row: Selectable<ChildOwnershipTable>): ChildOwnership => ({
  parent: PodName.unsafe(row.parent),
  child: PodName.unsafe(row.child),
  scope: row.scope as readonly ScopeRule[],
  state: row.state,
  spawnedAt: row.spawned_at,
  ...(row.stopped_at === null ? {} : { stoppedAt: row.stopped_at }),
  outputCursor: row.output_cursor,
});

export class KyselyChildOwnershipRepository implements ChildOwnershipRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(ownership: ChildOwnership): Promise<void> {
    // The primary key on `child` refuses a second parent.
    await this.db
      .insertInto('child_ownership')
      .values({
        child: ownership.child,
        parent: ownership.parent,
        scope: JSON.stringify(ownership.scope),
        state: ownership.state,
        spawned_at: ownership.spawnedAt,
        stopped_at: ownership.stoppedAt ?? null,
        output_cursor: ownership.outputCursor,
      })
      .execute();
  }

  async findByChild(child: PodName): Promise<ChildOwnership | undefined> {
    const row = await this.db.selectFrom('child_ownership').selectAll().where('child', '=', child).forUpdate().executeTakeFirst();
    return row && toOwnership(row);
  }

  async listByParents(parents: readonly PodName[]): Promise<readonly ChildOwnership[]> {
    if (parents.length === 0) return [];
    const rows = await this.db
      .selectFrom('child_ownership')
      .selectAll()
      .where(anyOf('parent', parents))
      .orderBy('child')
      .execute();
    return rows.map(toOwnership);
  }

  async update(ownership: ChildOwnership): Promise<void> {
    const { numUpdatedRows } = await this.db
      .updateTable('child_ownership')
      .set({ state: ownership.state, stopped_at: ownership.stoppedAt ?? null, output_cursor: ownership.outputCursor })
      .where('child', '=', ownership.child)
      .executeTakeFirstOrThrow();
    if (numUpdatedRows === 0n) throw new Error(`pod \`${ownership.child}\` has no parent to update`);
  }
}
