import type { LiveEvent } from '../../application/ports/live-events.js';
import type { PodEvent, PodEvents } from '../../application/ports/pod-events.js';

/** Where events of this process also go: to other processes on the same store. */
export type EventSink = (event: LiveEvent) => void;

/**
 * The event stream of one store in one process: a listener hears every event published here
 * (by this process's hosts, by its units of work after they commit) and, once something
 * connects it (`whenListened`), what other processes announce. A listener that throws
 * loses that one event: watching must not break what is watched.
 */
export class PodEventStream implements PodEvents {
  private readonly listeners = new Set<(event: PodEvent) => void>();
  private connect: (() => void) | undefined;
  /** Where live events also go (another process's viewers); none: this process only. */
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

  /** A store's commit, or an event heard from another process: this process's listeners only. */
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
