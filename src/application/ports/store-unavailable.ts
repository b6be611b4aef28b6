/**
 * The store could not be reached, as opposed to a statement it refused. A connection lost during COMMIT
 * may still have committed, which is why hosts re-derive what to do from history.
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

/** By name, not `instanceof`: a test runner may load this module twice. */
export const isStoreUnavailable = (error: unknown): error is StoreUnavailable => error instanceof Error && error.name === 'StoreUnavailable';
