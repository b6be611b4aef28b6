import type { ServiceIdentifier } from 'inversify';

/**
 * A use case that takes a lease for it needs nothing else: the committed lease is published, and the
 * host's runtime runs the Pod.
 */
export interface PodHost {
  readonly hostId: string;
  readonly leaseTtlMs: number;
}
export const POD_HOST = Symbol.for('PodHost') as ServiceIdentifier<PodHost>;
