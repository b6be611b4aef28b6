import type { HostEvent } from '../ports/live-events.js';
import { isStoreUnavailable } from '../ports/store-unavailable.js';

/** One `store_unreachable` per outage, retries with backoff (250 ms doubling to 5 s), `store_lost` past `limitMs`. */
export class StoreOutage {
  private outage: { readonly since: number; retryMs: number; retry: NodeJS.Timeout | undefined; lost: boolean } | undefined;

  constructor(
    private readonly limitMs: number,
    private readonly publish: (event: HostEvent) => void,
    private readonly retry: () => void,
    private readonly back: () => void,
  ) {}

  /** A store call failed: true when the store is unreachable (reported once, retried), false for any other failure. */
  failed(error: unknown, closing: boolean): boolean {
    if (!isStoreUnavailable(error) || closing) return false;
    if (!this.outage) {
      this.outage = { since: Date.now(), retryMs: 250, retry: undefined, lost: false };
      this.publish({ type: 'store_unreachable', error: error.message });
    }
    const outage = this.outage;
    const downMs = Date.now() - outage.since;
    if (downMs >= this.limitMs) {
      if (!outage.lost) this.publish({ type: 'store_lost', downMs });
      outage.lost = true;
      return true;
    }
    if (!outage.retry) {
      outage.retry = setTimeout(() => {
        outage.retry = undefined;
        this.retry();
      }, outage.retryMs);
      outage.retryMs = Math.min(outage.retryMs * 2, 5_000);
    }
    return true;
  }

  answered(): void {
    const outage = this.outage;
    if (!outage) return;
    if (outage.retry) clearTimeout(outage.retry);
    this.outage = undefined;
    this.publish({ type: 'store_back', downMs: Date.now() - outage.since });
    this.back();
  }

  stop(): void {
    if (this.outage?.retry) clearTimeout(this.outage.retry);
  }
}
