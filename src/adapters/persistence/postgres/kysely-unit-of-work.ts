import { inject, injectable } from 'inversify';
import type { Kysely } from 'kysely';
import { StoreUnavailable } from '../../../application/ports/store-unavailable.js';
import type { Repositories, UnitOfWork, UnitOptions } from '../../../application/ports/unit-of-work.js';
import { errorMessage } from '../../error-message.js';
import { atomically } from './atomically.js';
import { isConnectionFailure } from './connection-failure.js';
import type { Database } from './database.js';
import { KYSELY_DB } from './kysely-db-token.js';
import { kyselyRepositories } from './kysely-repositories.js';
import { oneStatement } from './one-statement.js';

/** SQLSTATEs after which the server has rolled the transaction back and a rerun may succeed. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const ATTEMPTS = 5;

const isRetryable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && RETRYABLE.has(error.code);

/**
 * One transaction per `run`, every repository bound to it; a throw rolls it back. When the
 * server aborts the transaction for a deadlock (two units locking the same rows in
 * opposite orders), `work` runs again from the start: use cases touch nothing outside the
 * store inside `run`, so a rerun is invisible. A server that cannot be reached is reported as
 * `StoreUnavailable`: the transaction did not commit, and the caller may wait and retry.
 * A `singleRead` unit sends its one statement outside a transaction (or inside the caller's).
 */
@injectable()
export class KyselyUnitOfWork implements UnitOfWork {
  constructor(@inject(KYSELY_DB) private readonly db: Kysely<Database>) {}

  async run<T>(work: (repos: Repositories) => Promise<T>, options: UnitOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (options.singleRead) return await work(kyselyRepositories(oneStatement(this.db)));
        return await atomically(this.db, (trx) => work(kyselyRepositories(trx)));
      } catch (error) {
        if (isConnectionFailure(error)) throw new StoreUnavailable(`the store is unreachable: ${errorMessage(error)}`, { cause: error });
        if (this.db.isTransaction || attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }
}
