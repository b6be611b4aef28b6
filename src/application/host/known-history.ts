import { injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import type { Repositories } from '../ports/unit-of-work.js';

/**
 * The committed history of each Pod this host runs, as far as its turns have read it, so a
 * turn (and each of its steps) reads from the store only what committed since. History is
 * append-only and each Pod's seqs are gap-free and commit in order (its counter row is
 * locked until commit), so a copy extended by "everything after my newest seq" is the
 * store's history; a gap would mean it is not, and the copy is read again in full.
 */
@injectable()
export class KnownHistory {
  private readonly byPod = new Map<PodName, HistoryEntry[]>();

  /** `pod`'s committed history (from where `dropBefore` last cut it); read through `repos` in the caller's unit of work. */
  async read(repos: Repositories, pod: PodName): Promise<readonly HistoryEntry[]> {
    const after = this.byPod.get(pod)?.at(-1)?.seq ?? 0;
    const newer = await repos.history.read(pod, { after });
    if (newer.length > 0 && newer[0]!.seq !== after + 1) {
      const all = await repos.history.read(pod);
      this.byPod.set(pod, [...all]);
      return all;
    }
    const known = this.byPod.get(pod) ?? [];
    this.byPod.set(pod, known);
    // Another read of the same Pod may have extended the copy while this one waited.
    const newest = known.at(-1)?.seq ?? 0;
    for (const entry of newer) if (entry.seq > newest) known.push(entry);
    return known;
  }

  /**
   * Entries before `seq` left the Pod's model requests (a `context_trimmed` notice): the copy
   * keeps `seq` and newer only, so a host's memory follows the context budget, not the history.
   * Reads go on returning the copy from there (its gap check only looks at the newest end).
   */
  dropBefore(pod: PodName, seq: number): void {
    const known = this.byPod.get(pod);
    const first = known?.[0]?.seq;
    if (!known || first === undefined || first >= seq) return;
    known.splice(0, Math.min(known.length, seq - first));
  }

  /** The newest seq of `pod` its reads have seen (0: it had none); undefined when it was never read or was forgotten. */
  newest(pod: PodName): number | undefined {
    const known = this.byPod.get(pod);
    return known && (known.at(-1)?.seq ?? 0);
  }

  /** The Pod no longer runs here: its copy would only grow stale. */
  forget(pod: PodName): void {
    this.byPod.delete(pod);
  }

  forgetAll(): void {
    this.byPod.clear();
  }
}
