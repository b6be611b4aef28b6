import { injectable } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { trimmedFrom, trimStartOf, type WindowHead } from '../model-context.js';
import type { Repositories } from '../ports/unit-of-work.js';
import { countWindowHead, readHistoryTail } from './read-history-tail.js';

/** Seqs are gap-free and commit in order (the counter row is locked), so a copy extended by newer entries is the store's. */
@injectable()
export class KnownHistory {
  private readonly byPod = new Map<PodName, HistoryEntry[]>();
  /** Of each Pod read short of where its request window starts, what of the window it does not hold (`pending`: not counted yet). */
  private readonly heads = new Map<PodName, WindowHead | 'pending'>();

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

  /** Only a model's first trim needs the window head; an unanswered tool call there brings the whole history back. */
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

  windowHead(pod: PodName): WindowHead | undefined {
    const head = this.heads.get(pod);
    if (head === 'pending') throw new Error(`the request window of \`${pod}\` starts before what this host read of it, and was not counted (KnownHistory.settle)`);
    return head;
  }

  /** Reads go on returning the copy from `seq` (its gap check only looks at the newest end). */
  dropBefore(pod: PodName, seq: number): void {
    const known = this.byPod.get(pod);
    const first = known?.[0]?.seq;
    if (!known || first === undefined || first >= seq) return;
    known.splice(0, Math.min(known.length, seq - first));
    this.heads.delete(pod);
  }

  /** An agent keeps its own context (ADR 0020): its turns need nothing before `seq`, though the window may start earlier. */
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
