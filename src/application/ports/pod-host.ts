import type { ServiceIdentifier } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';

export type WakeReason = 'user_input' | 'peer_message' | 'pod_event' | 'restored';

/**
 * The host this process is (or acts for). Use cases call it only after their unit of
 * work has committed, so a host never runs on input that history does not hold.
 */
export interface PodHost {
  readonly hostId: string;
  readonly leaseTtlMs: number;
  /** Start running a Pod whose lease this host has just taken. */
  adopt(pod: PodName): void;
  /** New committed input for a live Pod: start a turn if it is idle, or let a running turn see it. */
  wake(pod: PodName, reason: WakeReason): void;
  /** The Pod's parent stopped it: stop running it here, if this host does. */
  halt(pod: PodName): void;
}
export const POD_HOST = Symbol.for('PodHost') as ServiceIdentifier<PodHost>;
