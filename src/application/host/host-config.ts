import type { ServiceIdentifier } from 'inversify';

export type TurnConfig = {
  /** Model requests per turn before it is stopped with a `step_limit` notice. */
  readonly stepLimit: number;
};
export const DEFAULT_TURN_CONFIG: TurnConfig = { stepLimit: 16 };
export const TURN_CONFIG = Symbol.for('TurnConfig') as ServiceIdentifier<TurnConfig>;
