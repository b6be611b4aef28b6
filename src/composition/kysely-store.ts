import { ContainerModule } from 'inversify';
import type { Kysely } from 'kysely';
import { UNIT_OF_WORK } from '../application/ports/unit-of-work.js';
import type { Database } from '../adapters/persistence/kysely/database.js';
import { KYSELY_DB } from '../adapters/persistence/kysely/kysely-db-token.js';
import { KyselyUnitOfWork } from '../adapters/persistence/kysely/kysely-unit-of-work.js';
import { openPgliteStore } from '../adapters/persistence/kysely/open-pglite-store.js';
import { openPostgresStore } from '../adapters/persistence/kysely/open-postgres-store.js';
import type { SqlStore } from '../adapters/persistence/kysely/sql-store.js';

export type SqlStoreConfig = { readonly kind: 'pglite'; readonly dataDir: string } | { readonly kind: 'postgres'; readonly url: string };

/** Opens (and migrates) the SQL store a config names. */
export function openSqlStore(config: SqlStoreConfig): Promise<SqlStore> {
  return config.kind === 'pglite' ? openPgliteStore(config.dataDir) : openPostgresStore(config.url);
}

/** Binds the unit of work to an opened store; the store's lifetime is the caller's. */
export function kyselyStoreModule(db: Kysely<Database>): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KYSELY_DB).toConstantValue(db);
    bind(KyselyUnitOfWork).toSelf().inSingletonScope();
    bind(UNIT_OF_WORK).toService(KyselyUnitOfWork);
  });
}
