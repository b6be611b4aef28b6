import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { commitNoticesOf } from './notify/commit-notices.js';
import { LiveNotices } from './notify/live-notices.js';
import { PostgresEventListener } from './notify/postgres-event-listener.js';
import type { Database } from './schema/database.js';
import { migrateToLatest } from './schema/migrate-to-latest.js';
import { NamedStatementPool } from './connection/named-statement-pool.js';
import { DEFAULT_POOL_SIZE, POOL_IDLE_MS } from './connection/pool-size.js';
import { urlWithPassfilePassword } from './connection/passfile-password.js';
import { pgConnectionString } from './connection/pg-connection-string.js';
import { errorMessage } from '../../error-message.js';
import type { SqlStore } from './sql-store.js';
import { redactUrl } from './connection/redact-url.js';
import { withApplicationName } from './connection/application-name.js';
import { isNoConnectionLeft, NoConnectionLeftError } from './connection/no-connection-left.js';

export { redactUrl };

export type PostgresStoreOptions = {
  /** Connections in the pool for statements (default DEFAULT_POOL_SIZE, `PODS_POOL_SIZE`); the LISTEN connection is apart. */
  readonly max?: number;
  readonly application?: string;
};

/** A pg pool on `url`, migrated before it is returned, and its event stream; an unreachable server fails here, not later. */
export async function openPostgresStore(givenUrl: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const max = options.max ?? DEFAULT_POOL_SIZE;
  const url = withApplicationName(givenUrl, options.application);
  // Idle clients are closed after POOL_IDLE_MS. Waiting for a pooled connection is queued in
  // NamedStatementPool, so the 5 s timeout is only for making a connection, never for a turn.
  const pool = new pg.Pool({ connectionString: pgConnectionString(urlWithPassfilePassword(url)), connectionTimeoutMillis: 5_000, idleTimeoutMillis: POOL_IDLE_MS, max });
  // A client whose server went away (restart, terminated backend) emits 'error', idle or
  // checked out; unhandled, that would end the process. The failure already reaches the
  // query in flight, and the pool replaces the broken client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new NamedStatementPool(pool, max) }) });
  try {
    // The migration check is the first statement: an unreachable server fails it with its own
    // connection error, which is reported as such (only a failing migration says so).
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (isNoConnectionLeft(error)) throw new NoConnectionLeftError({ type: 'ServerFull', url: givenUrl, serverMessage: error.message });
    throw new Error(`cannot open the PostgreSQL store at ${redactUrl(givenUrl)}: ${errorMessage(error)}`);
  }
  const notices = commitNoticesOf(db);
  const listener = new PostgresEventListener(url, notices.events, notices.origin);
  const live = new LiveNotices(db, notices.origin);
  notices.events.remote = (event) => live.send(event);
  // A process that never watches (`pods ls`, `pods tool`) opens no listening connection.
  notices.events.whenListened(() => listener.start());
  return {
    db,
    events: notices.events,
    listening: () => listener.ready,
    close: async () => {
      await listener.close();
      // Notices of commits already made (and a turn's last events) go out before the pool does (ADR 0011).
      await Promise.all([notices.flush(), live.flush()]);
      await db.destroy();
    },
  };
}
