import { injectable } from 'inversify';
import type { TurnEvent, TurnFeed, TurnObserver } from '../../application/ports/turn-observer.js';

/**
 * Turn events fanned out to this process's listeners. A listener that throws is dropped
 * from this one event, never the turn: watching must not break what is watched.
 */
@injectable()
export class InProcessTurnFeed implements TurnObserver, TurnFeed {
  private readonly listeners = new Set<(event: TurnEvent) => void>();

  subscribe(listener: (event: TurnEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  report(event: TurnEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a viewer's fault stays the viewer's
      }
    }
  }
}
