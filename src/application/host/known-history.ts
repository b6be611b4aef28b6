import { injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { trimmedFrom, trimStartOf, type WindowHead } from '../model-context.js';
import type { Repositories } from '../ports/unit-of-work.js';
import { countWindowHead, readHistoryTail } from './read-history-tail.js';

/**
 * The committed history of each Pod this host runs, as far as its turns have read it, so a
 * turn (and each of its steps) reads from the store only what committed since. History is
 * append-only and each Pod's seqs are gap-free and commit in order (its counter row is
 * locked until commit), so a copy extended by "everything after my newest seq" is the
 * store's history; a gap would mean it is not, and the copy is read again.
 *
 * With a context budget, a Pod's first read (and a read again) takes only the newest entries
 * its turns need (`readHistoryTail`), not its whole history: a host's memory follows the
 * budget from the start, not only from the first trim.
 */
@injectable()
export class KnownHistory {
  private readonly byPod = new Map<PodName, HistoryEntry[]>();
  /** Of each Pod read short of where its request window starts, what of the window it does not hold (`pending`: not counted yet). */
  private readonly heads = new Map<PodName, WindowHead | 'pending'>();

  /**
   * `pod`'s committed history (from where `dropBefore` last cut it, or where a first read
   * within `budget` stopped); read through `repos` in the caller's unit of work. Without a
   * budget a first read takes the whole history.
   */
  async read(repos: Repositories, pod: PodName, budget?: number): Promise<readonly HistoryEntry[]> {
    const held = this.byPod.get(pod);
    if (held === undefined && budget !== undefined) return this.readTail(repos, pod, budget);
    const after = held?.at(-1)?.seq ?? 0;
    const newer = await repos.history.read(pod, { after });
    if (newer.length > 0 && newer[0]!.seq !== after + 1) {
      if (budget !== undefined) {
        this.forget(pod);
        return this.readTail(repos, pod, budget);
      }
      const all = await repos.history.read(pod);
      this.byPod.set(pod, [...all]);
      this.heads.delete(pod);
      return all;
    }
    const known = this.byPod.get(pod) ?? [];
    this.byPod.set(pod, known);
    // Another read of the same Pod may have extended the copy while this one waited.
    const newest = known.at(-1)?.seq ?? 0;
    for (const entry of newer) {
      if (entry.seq <= newest) continue;
      known.push(entry);
      // A trim inside the copy starts the window there: what it did not hold left the window.
      if ((trimStartOf(entry) ?? 0) >= (known[0]?.seq ?? 0)) this.heads.delete(pod);
    }
    return known;
  }

  /**
   * Counts what of `pod`'s request window its copy does not hold (`countWindowHead`), when a
   * first read stopped short of the window's start: only a model's turn needs it, for its
   * first trim. Returns the whole history when the count found a tool call never answered
   * (the copy is the whole history then, as every first read was before).
   */
  async settle(repos: Repositories, pod: PodName): Promise<readonly HistoryEntry[] | undefined> {
    const known = this.byPod.get(pod);
    if (known === undefined || this.heads.get(pod) !== 'pending') return undefined;
    const head = await countWindowHead(repos.history, pod, known);
    if (head !== 'unanswered_call') {
      if (this.heads.get(pod) === 'pending') this.heads.set(pod, head);
      return undefined;
    }
    const all = await repos.history.read(pod, { after: 0 });
    this.byPod.set(pod, [...all]);
    this.heads.delete(pod);
    return all;
  }

  /** What of `pod`'s request window its copy does not hold (see WindowHead, `settle`); undefined when it holds the window's start. */
  windowHead(pod: PodName): WindowHead | undefined {
    const head = this.heads.get(pod);
    if (head === 'pending') throw new Error(`the request window of \`${pod}\` starts before what this host read of it, and was not counted (KnownHistory.settle)`);
    return head;
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
    this.heads.delete(pod);
  }

  /**
   * `pod`'s turns need nothing before `seq` any more, though its request window may start
   * earlier (an agent keeps its own context; ADR 0020): the copy keeps `seq` and newer, and
   * what of the window it no longer holds is counted again should a model's turn need it.
   */
  keepFrom(pod: PodName, seq: number): void {
    const known = this.byPod.get(pod);
    const first = known?.[0]?.seq;
    if (!known || first === undefined || first >= seq) return;
    known.splice(0, Math.min(known.length, seq - first));
    if ((trimmedFrom(known) ?? 0) < (known[0]?.seq ?? 0)) this.heads.set(pod, 'pending');
  }

  /** The newest seq of `pod` its reads have seen (0: it had none); undefined when it was never read or was forgotten. */
  newest(pod: PodName): number | undefined {
    const known = this.byPod.get(pod);
    return known && (known.at(-1)?.seq ?? 0);
  }

  /** The Pod no longer runs here: its copy would only grow stale. */
  forget(pod: PodName): void {
    this.byPod.delete(pod);
    this.heads.delete(pod);
  }

  forgetAll(): void {
    this.byPod.clear();
    this.heads.clear();
  }

  private async readTail(repos: Repositories, pod: PodName, budget: number): Promise<readonly HistoryEntry[]> {
    const { entries, windowStartsBefore } = await readHistoryTail(repos.history, pod, budget);
    // Another read of the same Pod may have made the copy while this one waited: extend that one.
    if (this.byPod.has(pod)) return this.read(repos, pod, budget);
    const known = [...entries];
    this.byPod.set(pod, known);
    if (windowStartsBefore) this.heads.set(pod, 'pending');
    else this.heads.delete(pod);
    return known;
  }
}
