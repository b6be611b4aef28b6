import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { isLive } from '../../domain/pod-status.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { POD_EVENTS, type PodEvents } from '../ports/pod-events.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { FindUnservedPods } from '../use-cases/find-unserved-pods.js';
import { watch } from '../watcher.js';
import { describeAttachRefusal } from './attach-refusal.js';
import { HostRuntime } from './host-runtime.js';

export type LeaseWatchEvent =
  | { readonly type: 'taken_over'; readonly pod: PodName }
  /** The host left, but another host took the Pod first; the watch goes on (that one may leave too). */
  | { readonly type: 'taken_elsewhere'; readonly pod: PodName; readonly hostId: string }
  | { readonly type: 'cannot_run'; readonly pod: PodName; readonly reason: string };

/** Takes the Pod over when its host leaves (FindUnservedPods' rule); a dead host announces nothing, so it also polls. */
@injectable()
export class LeaseWatch {
  private readonly watches = new Set<() => void>();

  constructor(
    @inject(HostRuntime) private readonly runtime: HostRuntime,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(FindUnservedPods) private readonly findUnserved: FindUnservedPods,
    @inject(POD_HOST) private readonly host: PodHost,
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The watch ends after `taken_over`, or when the returned function is called. */
  watch(pod: PodName, heldBy: string | undefined, listener: (event: LeaseWatchEvent) => void): () => void {
    let stopped = false;
    let holder = heldBy;
    const stop = (): void => {
      stopped = true;
      this.watches.delete(stop);
      void watching.stop();
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
    // A failed look (the store down) changes nothing: the next event or tick looks again.
    const watching = watch(this.events, {
      pick: (event) => (event.type === 'committed' && event.pod === pod && event.changes.lease !== undefined ? true : undefined),
      look,
      everyMs: Math.max(50, this.host.leaseTtlMs),
    });
    this.watches.add(stop);
    return stop;
  }

  stopAll(): void {
    for (const stop of [...this.watches]) stop();
  }
}
