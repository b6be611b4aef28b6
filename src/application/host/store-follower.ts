import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { POD_EVENTS, type PodEvents } from '../ports/pod-events.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { isStoreUnavailable } from '../ports/store-unavailable.js';
import { FindUnservedPods } from '../use-cases/find-unserved-pods.js';
import { watch, type Watch } from '../watcher.js';
import { describeAttachRefusal } from './attach-refusal.js';
import { HostRuntime } from './host-runtime.js';

export type FollowEvent =
  | { readonly type: 'picked_up'; readonly pod: PodName }
  | { readonly type: 'follow_failed'; readonly error: string }
  | { readonly type: 'cannot_run'; readonly pod: PodName; readonly reason: string };

/** A sweep every lease lifetime finds what no event announced (a dead host's lease must expire); a live lease is never taken. */
@injectable()
export class StoreFollower {
  private readonly listeners = new Set<(event: FollowEvent) => void>();
  private watching: Watch<PodName> | undefined;
  private stopped = false;
  private readonly cannotRun = new Set<PodName>();

  constructor(
    @inject(HostRuntime) private readonly runtime: HostRuntime,
    @inject(POD_EVENTS) private readonly events: PodEvents,
    @inject(FindUnservedPods) private readonly findUnserved: FindUnservedPods,
    @inject(POD_HOST) private readonly host: PodHost,
  ) {}

  on(listener: (event: FollowEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.watching || this.stopped) return;
    this.watching = watch<PodName>(this.events, {
      // A lease taken is a Pod no longer free; anything else about a Pod not run here may have freed it.
      pick: (event) => (event.type === 'committed' && !this.runtime.isRunning(event.pod) && !isTake(event.changes.lease) ? event.pod : undefined),
      look: (announced, all) => this.look(all ? undefined : [...announced]),
      everyMs: Math.max(50, this.host.leaseTtlMs),
    });
  }

  /** Takes nothing more; resolves once the attach in progress (if any) is done. Call before the runtime's shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.watching?.stop();
  }

  async settled(): Promise<void> {
    await this.watching?.looks.settled();
  }

  private async look(among: readonly PodName[] | undefined): Promise<void> {
    try {
      const free = await this.findUnserved.execute(among ? { among } : {});
      for (const pod of free) {
        if (this.stopped) return;
        if (this.runtime.isRunning(pod)) continue;
        const attached = await this.runtime.attach(pod);
        if (attached.ok) this.emit({ type: 'picked_up', pod });
        else if (attached.error.type === 'ProfileUnknown' && !this.cannotRun.has(pod)) {
          // Said once per Pod: the sweep finds it free again every lease lifetime.
          this.cannotRun.add(pod);
          this.emit({ type: 'cannot_run', pod, reason: describeAttachRefusal(attached.error) });
        }
      }
    } catch (error) {
      // The runtime reports outages; the next sweep looks again. Anything else is said once per look.
      if (!isStoreUnavailable(error)) this.emit({ type: 'follow_failed', error: error instanceof Error ? error.message : String(error) });
    }
  }

  private emit(event: FollowEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

const isTake = (lease: unknown): boolean => typeof lease === 'object' && lease !== null;
