import { contextStart, type WindowEntry } from '../domain/context-budget.js';
import type { EntryOf, HistoryEntry } from '../domain/history-entry.js';
import { transcriptSize } from './model-transcript.js';

/** What left a model's requests at a trim: entries `first`…`last` (`count` of them, `characters` in all); requests start at `from`. */
export type ContextTrim = { readonly from: number; readonly first: number; readonly last: number; readonly count: number; readonly characters: number };

const INPUT = new Set<HistoryEntry['kind']>(['user_input', 'peer_message', 'pod_event', 'notice']);

/** The seq model requests start at: the newest `context_trimmed` notice's `contextFrom`, else the first entry. */
export function contextFrom(history: readonly HistoryEntry[]): number {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const entry = history[i]!;
    if (entry.kind === 'notice' && entry.code === 'context_trimmed' && entry.contextFrom !== undefined) return entry.contextFrom;
  }
  return history[0]?.seq ?? 1;
}

/** The entries of `history` a model request holds: from `contextFrom` on. */
export function requestWindow(history: readonly HistoryEntry[]): readonly HistoryEntry[] {
  const from = contextFrom(history);
  const first = history[0]?.seq ?? from;
  return from <= first ? history : history.slice(from - first);
}

/**
 * When `window` (a request's entries) outgrows `budget` characters: where the request starts
 * now and what leaves it (the domain's `contextStart`: the oldest turns, at a turn's edge).
 */
export function contextTrim(window: readonly HistoryEntry[], budget: number): ContextTrim | undefined {
  const entries: WindowEntry[] = [];
  const open = new Set<string>();
  for (const entry of window) {
    entries.push({ size: transcriptSize(entry), edge: INPUT.has(entry.kind) && open.size === 0 });
    if (entry.kind === 'tool_call' && entry.agent === undefined) open.add(entry.callId);
    else if (entry.kind === 'tool_result') open.delete(entry.callId);
  }
  const start = contextStart(entries, budget);
  if (start === undefined || start === 0) return undefined;
  let characters = 0;
  for (let i = 0; i < start; i += 1) characters += entries[i]!.size;
  return { from: window[start]!.seq, first: window[0]!.seq, last: window[start - 1]!.seq, count: start, characters };
}

/** The notice a trim commits before the request it shapes: what left, why, and that history keeps it. */
export function trimNotice(trim: ContextTrim, budget: number, seenThrough: number): Omit<EntryOf<'notice'>, 'pod' | 'seq' | 'at'> {
  const n = (x: number) => x.toLocaleString('en');
  return {
    kind: 'notice',
    code: 'context_trimmed',
    text: `entries #${trim.first}–#${trim.last} (${n(trim.count)} entries, ${n(trim.characters)} characters) left this Pod's model requests, ` +
      `which would otherwise outgrow this host's context budget of ${n(budget)} characters; they stay in its history. ` +
      `Requests now start at #${trim.from}.`,
    seenThrough,
    contextFrom: trim.from,
  };
}
