import type { ServiceIdentifier } from 'inversify';

export type HostConfig = {
  readonly stepLimit: number;
  /** Bounds the delay should a notice be lost; notices normally wake a host within milliseconds. */
  readonly pollMs: number;
  /** How long a lease lives without renewal: how soon another host may take over a dead host's Pods. */
  readonly leaseTtlMs: number;
  readonly storeOutageLimitMs: number;
  /** Characters of rendered transcript per request; older entries leave it with a committed `context_trimmed` notice. */
  readonly contextBudget?: number;
};
/** About 25,000–30,000 tokens of English or code: fits a 32k-token model with room for the tools and the reply. */
export const DEFAULT_CONTEXT_BUDGET = 100_000;
export const DEFAULT_HOST_CONFIG: HostConfig = { stepLimit: 16, pollMs: 2_000, leaseTtlMs: 10_000, storeOutageLimitMs: 180_000, contextBudget: DEFAULT_CONTEXT_BUDGET };
export const HOST_CONFIG = Symbol.for('HostConfig') as ServiceIdentifier<HostConfig>;
