/** Unreachable, not refused; a connection lost during COMMIT may have committed, so hosts re-derive from history. */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

/** By name, not `instanceof`: a test runner may load this module twice. */
export const isStoreUnavailable = (error: unknown): error is StoreUnavailable => error instanceof Error && error.name === 'StoreUnavailable';
