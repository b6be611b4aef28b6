import type { ServiceIdentifier } from 'inversify';

/**
 * The host this process is (or acts for): the id its leases carry and how long they live.
 * A use case that takes a lease for it (SpawnPod, RestorePod) needs nothing else: the
 * committed lease is published on the event stream, and the host's runtime runs the Pod.
 */
export interface PodHost {
  readonly hostId: string;
  readonly leaseTtlMs: number;
}
export const POD_HOST = Symbol.for('PodHost') as ServiceIdentifier<PodHost>;
