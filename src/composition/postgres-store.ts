import { ContainerModule } from 'inversify';
import type { Kysely } from 'kysely';
import { POD_EVENTS, type PodEvents } from '../application/ports/pod-events.js';
import { UNIT_OF_WORK } from '../application/ports/unit-of-work.js';
import type { Database } from '../adapters/persistence/postgres/schema/database.js';
import { KYSELY_DB } from '../adapters/persistence/postgres/kysely-db-token.js';
import { KyselyUnitOfWork } from '../adapters/persistence/postgres/kysely-unit-of-work.js';
import { openPostgresStore } from '../adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../adapters/persistence/postgres/sql-store.js';
import type { PoolSize } from '../adapters/persistence/postgres/connection/pool-size.js';

export function openSqlStore(url: string, poolSize?: PoolSize, application?: string): Promise<SqlStore> {
  return openPostgresStore(url, { ...(poolSize === undefined ? {} : { max: poolSize }), ...(application === undefined ? {} : { application }) });
}

/** Binds the unit of work and the event stream to an opened store; the store's lifetime is the caller's. */
export function kyselyStoreModule(db: Kysely<Database>, events: PodEvents): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(POD_EVENTS).toConstantValue(events);
    bind(KYSELY_DB).toConstantValue(db);
    bind(KyselyUnitOfWork).toSelf().inSingletonScope();
    bind(UNIT_OF_WORK).toService(KyselyUnitOfWork);
  });
}
