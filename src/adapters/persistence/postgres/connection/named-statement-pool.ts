import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** Distinct statement texts that get a name; anything beyond runs unnamed (dynamic SQL stays bounded). */
const MAX_NAMED = 512;

/** Statements get names, so each connection plans one once; callers queue here, since pg's pool would time them out. */
export class NamedStatementPool implements PostgresPool {
  private readonly names = new Map<string, string>();
  private readonly waiting: (() => void)[] = [];
  private out = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** Checked out at once at most (default: as many as `pool` lets out, queued by pg). */
    private readonly size: number = Number.POSITIVE_INFINITY,
  ) {}

  async connect(): Promise<PostgresPoolClient> {
    await this.slot();
    try {
      return new NamedStatementClient(await this.pool.connect(), (sql) => this.nameOf(sql), () => this.free());
    } catch (error) {
      this.free();
      throw error;
    }
  }

  private slot(): Promise<void> {
    if (this.out < this.size) {
      this.out += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.out -= 1;
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
  private released = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly nameOf: (sql: string) => string | undefined,
    private readonly freed: () => void,
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
    if (this.released) return;
    this.released = true;
    this.client.release();
    this.freed();
  }
}
