import { randomUUID } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import { DEFAULT_HOST_CONFIG, HOST_CONFIG, type HostConfig } from '../../application/host/host-config.js';
import type { PodHost } from '../../application/ports/pod-host.js';

/** This process as a host: a fresh id per process, leases of the configured lifetime. */
@injectable()
export class ProcessPodHost implements PodHost {
  readonly hostId = `host_${randomUUID()}`;
  readonly leaseTtlMs: number;

  constructor(@inject(HOST_CONFIG) @optional() config: HostConfig = DEFAULT_HOST_CONFIG) {
    this.leaseTtlMs = config.leaseTtlMs;
  }
}
