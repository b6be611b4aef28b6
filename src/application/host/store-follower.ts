import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { HISTORY_FEED, type HistoryFeed } from '../ports/history-feed.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { isStoreUnavailable } from '../ports/store-unavailable.js';
import { FindUnservedPods } from '../use-cases/find-unserved-pods.js';
import { describeAttachRefusal, HostRuntime } from './host-runtime.js';

export type FollowEvent =
  | { readonly type: 'picked_up'; readonly pod: PodName }
  | { readonly type: 'follow_failed'; readonly error: string }
  /** A free Pod this host cannot run (it lacks the Pod's profile); said once per Pod. */
  | { readonly type: 'cannot_run'; readonly pod: PodName; readonly reason: string };

/**
 * `pods serve` without `--pod`: the runtime also takes every Pod no host runs, including Pods
 * created or released after it started. The feed announces creations, history commits and
 * ended leases; an announced Pod this host does not hold is looked up (a lease read) and
 * attached only if it is free. A sweep every lease lifetime finds what no notice announced:
 * a Pod whose host died is free only once its lease expired, so looking more often finds
 * nothing new. An attach refused because another host took the Pod first is normal and silent;
 * a live lease is never taken, whoever holds it (a TUI, `pods mcp`, another `pods serve`).
 */
@injectable()
export class StoreFollower {
  private readonly announced = new Set<PodName>();
  private readonly listeners = new Set<(event: FollowEvent) => void>();
  private sweepAll = false;
  private pass: Promise<void> | undefined;
  private stopFeed: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly cannotRun = new Set<PodName>();

  constructor(
    @inject(HostRuntime) private readonly runtime: HostRuntime,
    @inject(HISTORY_FEED) private readonly feed: HistoryFeed,
    @inject(FindUnservedPods) private readonly findUnserved: FindUnservedPods,
    @inject(POD_HOST) private readonly host: PodHost,
  ) {}

  on(listener: (event: FollowEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to the feed and sweeps the whole store once now, then every lease lifetime. */
  start(): void {
    if (this.stopFeed || this.stopped) return;
    this.stopFeed = this.feed.subscribe((pod) => {
      if (this.runtime.isRunning(pod)) return;
      this.announced.add(pod);
      this.kick();
    });
    this.timer = setInterval(() => this.sweep(), Math.max(50, this.host.leaseTtlMs));
    this.sweep();
  }

  /** Takes nothing more; resolves once the attach in progress (if any) is done. Call before the runtime's shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopFeed?.();
    if (this.timer) clearInterval(this.timer);
    await this.pass;
  }

  /** Resolves once every notice and sweep requested so far has been handled. */
  async settled(): Promise<void> {
    while (this.pass) await this.pass;
  }

  private sweep(): void {
    this.sweepAll = true;
    this.kick();
  }

  private kick(): void {
    if (this.stopped) return;
    this.pass ??= this.drain();
  }

  /** One pass at a time; notices arriving meanwhile are batched into the next lookup. */
  private async drain(): Promise<void> {
    await Promise.resolve(); // let kick() store this promise before anything can clear it
    try {
      while ((this.sweepAll || this.announced.size > 0) && !this.stopped) {
        const among = this.sweepAll ? undefined : [...this.announced];
        this.sweepAll = false;
        this.announced.clear();
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
          // The runtime reports outages; the next sweep looks again. Anything else is said once per pass.
          if (!isStoreUnavailable(error)) this.emit({ type: 'follow_failed', error: error instanceof Error ? error.message : String(error) });
        }
      }
    } finally {
      this.pass = undefined;
    }
  }

  private emit(event: FollowEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
