import { inject, injectable } from 'inversify';
import type { Kysely } from 'kysely';
import { StoreUnavailable } from '../../../application/ports/store-unavailable.js';
import type { Repositories, UnitOfWork, UnitOptions } from '../../../application/ports/unit-of-work.js';
import { mergeChanges, type PodChanges } from '../../../application/ports/pod-events.js';
import type { PodName } from '../../../domain/pod-name.js';
import { errorMessage } from '../../error-message.js';
import { PodEventStream } from '../../events/pod-event-stream.js';
import { atomically } from './atomically.js';
import { commitNoticesOf, notifyInTransaction, type Announce, type CommitNotices } from './notify/commit-notices.js';
import { isConnectionFailure } from './connection/connection-failure.js';
import type { Database } from './schema/database.js';
import { KYSELY_DB } from './kysely-db-token.js';
import { kyselyRepositories } from './repositories/kysely-repositories.js';
import { oneStatement } from './statements/one-statement.js';

/** SQLSTATEs after which the server has rolled the transaction back and a rerun may succeed. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const ATTEMPTS = 5;

const isRetryable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && RETRYABLE.has(error.code);

/** A deadlock reruns `work`: use cases touch nothing outside the store in `run`, so a rerun is invisible. */
@injectable()
export class KyselyUnitOfWork implements UnitOfWork {
  private readonly notices: CommitNotices | undefined;
  readonly events: PodEventStream;

  constructor(@inject(KYSELY_DB) private readonly db: Kysely<Database>) {
    this.notices = db.isTransaction ? undefined : commitNoticesOf(db);
    this.events = this.notices?.events ?? new PodEventStream();
  }

  run<T>(work: (repos: Repositories) => Promise<T>, options: UnitOptions = {}): Promise<T> {
    if (options.callByCall) return this.runEach(work);
    if (options.singleRead) {
      return this.attempts(async (changed) => {
        try {
          return await work(kyselyRepositories(oneStatement(this.db), collect(changed)));
        } finally {
          this.notices?.announce(changed); // a read announces nothing; this is for a unit that wrote anyway
        }
      });
    }
    return this.attempts(async (changed) => {
      const result = await atomically(this.db, async (trx) => {
        const value = await work(kyselyRepositories(trx, collect(changed)));
        // Joined to the caller's transaction, which commits later: the notices go with it.
        if (trx === this.db) await notifyInTransaction(trx, changed);
        return value;
      });
      this.notices?.announce(changed);
      return result;
    });
  }

  private runEach<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return this.run(work);
    return this.attempts(async (changed) => {
      try {
        return await work(kyselyRepositories(this.db, collect(changed)));
      } finally {
        // Whatever a call wrote has committed, even when a later one failed.
        this.notices?.announce(changed);
      }
    });
  }

  private async attempts<T>(once: (changed: Changed) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(new Map());
      } catch (error) {
        if (isConnectionFailure(error)) throw new StoreUnavailable(`the store is unreachable: ${errorMessage(error)}`, { cause: error });
        if (this.db.isTransaction || attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }
}

type Changed = Map<PodName, PodChanges>;

const collect = (changed: Changed): Announce => async (pod, changes) => void changed.set(pod, mergeChanges(changed.get(pod), changes));
