import type { ServiceIdentifier } from 'inversify';

export type HostConfig = {
  /** Model requests per turn before it is stopped with a `step_limit` notice. */
  readonly stepLimit: number;
  /**
   * How often a host looks at its Pods' histories even without a notice. Notices (local
   * signals, LISTEN/NOTIFY) normally wake it within milliseconds; this bounds the delay if
   * one is lost.
   */
  readonly pollMs: number;
  /** How long a lease lives without renewal: how soon another host may take over a dead host's Pods. */
  readonly leaseTtlMs: number;
  /** How long a host waits for an unreachable store to come back before it gives up (`store_lost`). */
  readonly storeOutageLimitMs: number;
  /**
   * The most a model request of a model-driven Pod holds of its history, in characters of the
   * rendered transcript (tool definitions aside): older entries leave it, with a committed
   * `context_trimmed` notice. Default DEFAULT_CONTEXT_BUDGET.
   */
  readonly contextBudget?: number;
};
/** About 25,000–30,000 tokens of English or code: fits a 32k-token model with room for the tools and the reply. */
export const DEFAULT_CONTEXT_BUDGET = 100_000;
export const DEFAULT_HOST_CONFIG: HostConfig = { stepLimit: 16, pollMs: 2_000, leaseTtlMs: 10_000, storeOutageLimitMs: 180_000, contextBudget: DEFAULT_CONTEXT_BUDGET };
export const HOST_CONFIG = Symbol.for('HostConfig') as ServiceIdentifier<HostConfig>;
