import type { PodName } from '../../domain/pod-name.js';
import { isLive, leaseExpiry, type PodDriver, type RuntimeStatus } from '../../domain/pod-status.js';
import type { Clock } from '../ports/clock.js';
import type { PodHost } from '../ports/pod-host.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import type { StoreOutage } from './store-outage.js';

export type Kept = { status: RuntimeStatus; readonly driver: PodDriver };

/** `lose` is told of a Pod whose lease is no longer this host's, with its new holder if any. */
export class LeaseKeeper {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly host: PodHost,
    private readonly outage: StoreOutage,
    private readonly lose: (pod: PodName, kept: Kept, holder?: string) => void,
  ) {}

  expiry(): Date {
    return leaseExpiry(this.clock.now(), this.host.leaseTtlMs);
  }

  async report(pod: PodName, kept: Kept, status: RuntimeStatus): Promise<void> {
    kept.status = status;
    const renewed = await this.uow.run((repos) => repos.leases.renew(pod, this.host.hostId, this.clock.now(), this.expiry(), status));
    if (!renewed) await this.keepOrLose(pod, kept);
  }

  /** One store call (one statement on a SQL store) whatever the number of leases. */
  async renewAll(pods: Iterable<[PodName, Kept]>): Promise<void> {
    const kept = new Map(pods);
    if (kept.size === 0) return;
    try {
      const renewals = [...kept].map(([pod, k]) => ({ pod, status: k.status }));
      const now = this.clock.now();
      const held = await this.uow.run((repos) => repos.leases.renewAll(this.host.hostId, renewals, now, this.expiry()), { callByCall: true });
      this.outage.answered();
      for (const [pod, k] of kept) if (!held.has(pod)) await this.keepOrLose(pod, k);
    } catch (error) {
      // Unreachable: reported and retried. Anything else is retried at the next tick; expiry is the real limit.
      this.outage.failed(error, false);
    }
  }

  async check(pod: PodName, kept: Kept): Promise<void> {
    try {
      const [lease] = await this.uow.run((repos) => repos.leases.getMany([pod]));
      if (lease?.hostId === this.host.hostId && isLive(lease, this.clock.now())) return;
      this.lose(pod, kept, isLive(lease, this.clock.now()) ? lease.hostId : undefined);
    } catch (error) {
      this.outage.failed(error, false); // the next renewal decides
    }
  }

  /** An expired lease still naming this host is taken back, so an outage up to `storeOutageLimitMs` loses no Pod. */
  private async keepOrLose(pod: PodName, kept: Kept): Promise<void> {
    const { hostId } = this.host;
    const now = this.clock.now();
    const outcome = await this.uow.run(async (repos): Promise<{ readonly kept: boolean; readonly holder?: string }> => {
      const [lease] = await repos.leases.getMany([pod]);
      if (lease?.hostId !== hostId) return isLive(lease, now) ? { kept: false, holder: lease.hostId } : { kept: false };
      const taken = await repos.leases.tryAcquire(pod, hostId, now, this.expiry(), kept.driver);
      if (!taken.acquired) return { kept: false, holder: taken.heldBy.hostId };
      await repos.leases.renew(pod, hostId, now, this.expiry(), kept.status);
      return { kept: true };
    });
    if (!outcome.kept) this.lose(pod, kept, outcome.holder);
  }
}
