import type { PodName } from '../../domain/pod-name.js';
import type { Lease, PodDriver, RuntimeStatus } from '../../domain/pod-status.js';

export type Renewal = { readonly pod: PodName; readonly status: RuntimeStatus };

export type AcquireOutcome = { readonly acquired: true; readonly lease: Lease } | { readonly acquired: false; readonly heldBy: Lease };

/** Liveness lives in the store, so two hosts on one server never run the same Pod. */
export interface LeaseRepository {
  getMany(pods: readonly PodName[]): Promise<readonly Lease[]>;
  /** Takes the lease when it is free, expired or already ours, recording who drives the Pod (default `model`). */
  tryAcquire(pod: PodName, hostId: string, now: Date, expiresAt: Date, driver?: PodDriver): Promise<AcquireOutcome>;
  /** Extends or updates our own unexpired lease; false when it is no longer ours. */
  renew(pod: PodName, hostId: string, now: Date, expiresAt: Date, status?: RuntimeStatus): Promise<boolean>;
  /** One statement whatever their number; returns the Pods renewed (those still `hostId`'s and unexpired at `now`). */
  renewAll(hostId: string, renewals: readonly Renewal[], now: Date, expiresAt: Date): Promise<ReadonlySet<PodName>>;
  release(pod: PodName, hostId: string): Promise<void>;
  /** Ends whichever host's lease on `pod` (its parent stopped it); that host stops at its next renewal. */
  revoke(pod: PodName): Promise<void>;
}
