import { ContainerModule } from 'inversify';
import type { Kysely } from 'kysely';
import { HISTORY_FEED, type HistoryFeed } from '../application/ports/history-feed.js';
import { UNIT_OF_WORK } from '../application/ports/unit-of-work.js';
import { PostgresHistoryFeed } from '../adapters/persistence/postgres/postgres-history-feed.js';
import type { Database } from '../adapters/persistence/postgres/database.js';
import { KYSELY_DB } from '../adapters/persistence/postgres/kysely-db-token.js';
import { KyselyUnitOfWork } from '../adapters/persistence/postgres/kysely-unit-of-work.js';
import { openPostgresStore } from '../adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../adapters/persistence/postgres/sql-store.js';

/** Opens (and migrates) the PostgreSQL store at `url`, with a feed of its history commits. */
export async function openSqlStore(url: string): Promise<SqlStore & { readonly feed: HistoryFeed }> {
  const store = await openPostgresStore(url);
  const feed = new PostgresHistoryFeed(url);
  return {
    db: store.db,
    feed,
    close: async () => {
      try {
        await feed.close();
      } finally {
        await store.close();
      }
    },
  };
}

/** Binds the unit of work and the feed to an opened store; the store's lifetime is the caller's. */
export function kyselyStoreModule(db: Kysely<Database>, feed: HistoryFeed): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(HISTORY_FEED).toConstantValue(feed);
    bind(KYSELY_DB).toConstantValue(db);
    bind(KyselyUnitOfWork).toSelf().inSingletonScope();
    bind(UNIT_OF_WORK).toService(KyselyUnitOfWork);
  });
}
