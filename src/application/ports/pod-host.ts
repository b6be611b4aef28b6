import type { ServiceIdentifier } from 'inversify';

/** Taking a lease needs nothing else: the committed lease is published, and the host's runtime runs the Pod. */
export interface PodHost {
  readonly hostId: string;
  readonly leaseTtlMs: number;
}
export const POD_HOST = Symbol.for('PodHost') as ServiceIdentifier<PodHost>;
