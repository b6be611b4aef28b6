import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { isLive } from '../../domain/pod-status.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { HISTORY_FEED, type HistoryFeed } from '../ports/history-feed.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { FindUnservedPods } from '../use-cases/find-unserved-pods.js';
import { describeAttachRefusal, HostRuntime } from './host-runtime.js';

export type LeaseWatchEvent =
  /** The host of the watched Pod left and this host took its lease: the Pod runs here now. */
  | { readonly type: 'taken_over'; readonly pod: PodName }
  /** The host left, but another host took the Pod first; the watch goes on (that one may leave too). */
  | { readonly type: 'taken_elsewhere'; readonly pod: PodName; readonly hostId: string }
  /** The host left, and this host cannot run the Pod (it lacks its profile): the watch ends. */
  | { readonly type: 'cannot_run'; readonly pod: PodName; readonly reason: string };

/**
 * A viewer of a Pod that another host runs (a TUI attached to it) takes the Pod over when
 * that host leaves, by the rule a following `pods serve` uses (FindUnservedPods): only a Pod
 * no live lease holds, never a child its parent stopped. The feed announces an ended lease
 * (and every commit); a host that died announces nothing, so the Pod is also looked at once
 * per lease lifetime, the soonest its lease can have expired. Each look is one lease read;
 * only a Pod whose lease is not live is checked against the rule and taken.
 */
@injectable()
export class LeaseWatch {
  private readonly watches = new Set<() => void>();

  constructor(
    @inject(HostRuntime) private readonly runtime: HostRuntime,
    @inject(HISTORY_FEED) private readonly feed: HistoryFeed,
    @inject(FindUnservedPods) private readonly findUnserved: FindUnservedPods,
    @inject(POD_HOST) private readonly host: PodHost,
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Watches `pod`, held now by `heldBy` (undefined: whoever the first look finds), until it
   * runs here or the returned function is called. `listener` hears of each change of host;
   * the watch ends after `taken_over`.
   */
  watch(pod: PodName, heldBy: string | undefined, listener: (event: LeaseWatchEvent) => void): () => void {
    let stopped = false;
    let holder = heldBy;
    let pass: Promise<void> | undefined;
    let again = false;
    const stop = (): void => {
      stopped = true;
      this.watches.delete(stop);
      offFeed();
      clearInterval(timer);
    };
    const elsewhere = (hostId: string): void => {
      if (hostId === holder || stopped) return;
      const first = holder === undefined;
      holder = hostId;
      if (!first) listener({ type: 'taken_elsewhere', pod, hostId });
    };
    const look = async (): Promise<void> => {
      if (this.runtime.isRunning(pod)) return stop();
      const [lease] = await this.uow.run((repos) => repos.leases.getMany([pod]));
      if (isLive(lease, this.clock.now())) return elsewhere(lease.hostId);
      const free = await this.findUnserved.execute({ among: [pod] });
      if (stopped || !free.includes(pod)) return;
      const taken = await this.runtime.attach(pod);
      if (taken.ok) {
        stop();
        listener({ type: 'taken_over', pod });
      } else if (taken.error.type === 'Held') {
        elsewhere(taken.error.heldBy.hostId);
      } else {
        stop();
        listener({ type: 'cannot_run', pod, reason: describeAttachRefusal(taken.error) });
      }
    };
    // One look at a time; notices arriving meanwhile make one more.
    const kick = (): void => {
      if (stopped) return;
      if (pass) {
        again = true;
        return;
      }
      pass = (async () => {
        do {
          again = false;
          // A failed look (the store down) changes nothing: the next notice or tick looks again.
          await look().catch(() => undefined);
        } while (again && !stopped);
        pass = undefined;
      })();
    };
    const offFeed = this.feed.subscribe((announced) => {
      if (announced === pod) kick();
    });
    const timer = setInterval(kick, Math.max(50, this.host.leaseTtlMs));
    this.watches.add(stop);
    kick();
    return stop;
  }

  /** Ends every watch: the process is closing. */
  stopAll(): void {
    for (const stop of [...this.watches]) stop();
  }
}
