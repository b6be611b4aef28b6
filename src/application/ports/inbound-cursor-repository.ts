import type { PodName } from '../../domain/pod-name.js';

/** How far `pods mcp` has shown a Pod's inbound history, durable, so a restarted server neither repeats nor skips. */
export interface InboundCursorRepository {
  /** 0: none yet. In a SQL store it locks the cursor until the unit ends, so two readers never hand out the same entries. */
  lock(pod: PodName): Promise<number>;
  /** Moves the cursor to `through`; never backwards (a lower value is ignored). */
  advance(pod: PodName, through: number): Promise<void>;
}
