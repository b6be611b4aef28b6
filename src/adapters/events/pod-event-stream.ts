import type { LiveEvent } from '../../application/ports/live-events.js';
import type { PodEvent, PodEvents } from '../../application/ports/pod-events.js';

export type EventSink = (event: LiveEvent) => void;

/** A listener that throws loses that one event: watching must not break what is watched. */
export class PodEventStream implements PodEvents {
  private readonly listeners = new Set<(event: PodEvent) => void>();
  private connect: (() => void) | undefined;
  remote: EventSink | undefined;

  get size(): number {
    return this.listeners.size;
  }

  /** `connect` runs once, when the stream first has a listener: what makes other processes heard (LISTEN). */
  whenListened(connect: () => void): void {
    if (this.listeners.size > 0) connect();
    else this.connect = connect;
  }

  subscribe(listener: (event: PodEvent) => void): () => void {
    this.listeners.add(listener);
    const connect = this.connect;
    this.connect = undefined;
    connect?.();
    return () => this.listeners.delete(listener);
  }

  publish(event: LiveEvent): void {
    this.emit(event);
    this.remote?.(event);
  }

  emit(event: PodEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's fault stays the listener's
      }
    }
  }
}
