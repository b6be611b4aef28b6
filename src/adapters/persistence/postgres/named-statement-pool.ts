import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** Distinct statement texts that get a name; anything beyond runs unnamed (dynamic SQL stays bounded). */
const MAX_NAMED = 512;

/**
 * pg's pool as Kysely's dialect sees it, except that each distinct parameterized SQL text
 * gets a statement name: a connection then parses and plans it once instead of on every
 * execution, which is most of the server's work for the adapter's short statements.
 */
export class NamedStatementPool implements PostgresPool {
  private readonly names = new Map<string, string>();

  constructor(private readonly pool: pg.Pool) {}

  async connect(): Promise<PostgresPoolClient> {
    return new NamedStatementClient(await this.pool.connect(), (sql) => this.nameOf(sql));
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  private nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined || this.names.size >= MAX_NAMED) return known;
    const name = `pods_${this.names.size + 1}`;
    this.names.set(sql, name);
    return name;
  }
}

class NamedStatementClient implements PostgresPoolClient {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly nameOf: (sql: string) => string | undefined,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor as never) as PostgresCursor<R>;
    const values = [...(parameters ?? [])];
    // Statements without parameters include BEGIN/COMMIT and DDL, which gain nothing from a name.
    const name = values.length > 0 ? this.nameOf(sqlOrCursor) : undefined;
    const config: pg.QueryConfig = name === undefined ? { text: sqlOrCursor, values } : { name, text: sqlOrCursor, values };
    return this.client.query(config) as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(): void {
    this.client.release();
  }
}
