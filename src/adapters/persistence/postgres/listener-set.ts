import type { PodName } from '../../../domain/pod-name.js';
import { PodName as PodNameParser } from '../../../domain/pod-name.js';

/** Fans one notification channel out to listeners; payloads that are not Pod names are ignored. */
export class ListenerSet {
  private readonly listeners = new Set<(pod: PodName) => void>();

  get size(): number {
    return this.listeners.size;
  }
  add(listener: (pod: PodName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(payload: string | undefined): void {
    const pod = PodNameParser.parse(payload ?? '');
    if (!pod.ok) return;
    for (const listener of this.listeners) listener(pod.value);
  }
}

/**
 * The feed's channel, one notification per Pod: notified after the commit of a history append,
 * a Pod's creation or the end of a lease (the repositories announce them, `KyselyUnitOfWork`
 * collects them and `CommitNotices` sends them; ADR 0011).
 */
export const HISTORY_CHANNEL = 'pods_history';
