import type { ServiceIdentifier } from 'inversify';

export interface IdGenerator {
  /** A new id, unique across hosts and sortable by creation time. */
  next(prefix: string): string;
}
export const ID_GENERATOR = Symbol.for('IdGenerator') as ServiceIdentifier<IdGenerator>;
