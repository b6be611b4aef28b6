import type { PodName } from './pod-name.js';

export type RuntimeStatus = 'idle' | 'running';
/** What everyone else sees: a Pod no host holds is stopped. */
export type PodStatus = RuntimeStatus | 'stopped';
export const POD_STATUSES: readonly PodStatus[] = ['idle', 'running', 'stopped'];

/**
 * `model`: the holding host runs its model's turns; `acp`: it drives a coding agent over ACP; `mcp`:
 * an external agent drives it through `pods mcp`, and no host runs its turns.
 */
export type PodDriver = 'model' | 'acp' | 'mcp';

export const hostRunsTurns = (driver: PodDriver): boolean => driver !== 'mcp';

/** A host's claim on a Pod. The Pod is live while the lease is unexpired. */
export type Lease = {
  readonly pod: PodName;
  readonly hostId: string;
  readonly status: RuntimeStatus;
  readonly expiresAt: Date;
  readonly driver: PodDriver;
  readonly renewedAt?: Date;
};

/**
 * Past one renewal period without renewal, else undefined: a dead host keeps its Pods live until the
 * lease expires, and a sender should know.
 */
export function overdueMs(lease: Lease, now: Date): number | undefined {
  if (!lease.renewedAt) return undefined;
  const silent = now.getTime() - lease.renewedAt.getTime();
  const period = (lease.expiresAt.getTime() - lease.renewedAt.getTime()) / 3;
  return silent > period ? silent : undefined;
}

/** When a lease taken or renewed at `now` for `ttlMs` expires: the one rule every taker and renewer uses. */
export const leaseExpiry = (now: Date, ttlMs: number): Date => new Date(now.getTime() + ttlMs);

export const isLive = (lease: Lease | undefined, now: Date): lease is Lease =>
  lease !== undefined && lease.expiresAt.getTime() > now.getTime();

export const statusOf = (lease: Lease | undefined, now: Date): PodStatus =>
  isLive(lease, now) ? lease.status : 'stopped';
