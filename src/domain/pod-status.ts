import type { PodName } from './pod-name.js';

export type RuntimeStatus = 'idle' | 'running';
/** What everyone else sees: a Pod no host holds is stopped. */
export type PodStatus = RuntimeStatus | 'stopped';
export const POD_STATUSES: readonly PodStatus[] = ['idle', 'running', 'stopped'];

/** `model`: the host runs its model; `acp`: it drives a coding agent; `mcp`: an external agent drives it, no host turns. */
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

/** Past one renewal period late, else undefined: a dead host keeps its Pods live until expiry, and a sender should know. */
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
