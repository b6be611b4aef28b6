import { sql, type Kysely } from 'kysely';
import type { InboundCursorRepository } from '../../../../application/ports/inbound-cursor-repository.js';
import type { PodName } from '../../../../domain/pod-name.js';
import type { Database } from '../schema/database.js';

export class KyselyInboundCursorRepository implements InboundCursorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async lock(pod: PodName): Promise<number> {
    // An upsert that changes nothing still takes the row lock, also for a row it creates,
    // so two readers of a cursor that did not exist yet cannot both start from 0.
    const row = await this.db
      .insertInto('inbound_cursor')
      .values({ pod, seen_through: 0 })
      .onConflict((oc) => oc.column('pod').doUpdateSet({ seen_through: sql<number>`inbound_cursor.seen_through` }))
      .returning('seen_through')
      .executeTakeFirstOrThrow();
    return row.seen_through;
  }

  async advance(pod: PodName, through: number): Promise<void> {
    await this.db
      .insertInto('inbound_cursor')
      .values({ pod, seen_through: through })
      .onConflict((oc) => oc.column('pod').doUpdateSet({ seen_through: sql<number>`greatest(inbound_cursor.seen_through, excluded.seen_through)` }))
      .execute();
  }
}
