/**
 * The store could not be reached (server down, restarting, connection lost), as opposed to
 * a statement it refused. Thrown by store adapters from `UnitOfWork.run`: the unit did not
 * complete (if the connection broke during its COMMIT, it may still have committed, which is
 * why hosts re-derive what to do from history). Hosts wait for the store to come back
 * instead of giving up on a Pod.
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

/** By name, not `instanceof`: a test runner may load this module twice. */
export const isStoreUnavailable = (error: unknown): error is StoreUnavailable => error instanceof Error && error.name === 'StoreUnavailable';
