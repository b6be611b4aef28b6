import type { PGlite } from '@electric-sql/pglite';
import type { HistoryFeed } from '../../../application/ports/history-feed.js';
import type { PodName } from '../../../domain/pod-name.js';
import { HISTORY_CHANNEL, ListenerSet } from './listener-set.js';

/** LISTEN on the embedded database: only this process can write to it, but commits arrive the same way. */
export class PgliteHistoryFeed implements HistoryFeed {
  private readonly listeners = new ListenerSet();
  private unlisten: Promise<() => Promise<void>> | undefined;

  constructor(private readonly pglite: PGlite) {}

  subscribe(listener: (pod: PodName) => void): () => void {
    const remove = this.listeners.add(listener);
    this.unlisten ??= this.pglite.listen(HISTORY_CHANNEL, (payload) => this.listeners.emit(payload));
    return remove;
  }

  async close(): Promise<void> {
    const unlisten = await this.unlisten?.catch(() => undefined);
    await unlisten?.().catch(() => undefined);
  }
}
