import { contextStart, type WindowEntry } from '../domain/context-budget.js';
import type { EntryOf, HistoryEntry } from '../domain/history-entry.js';
import { transcriptSize } from './model-transcript.js';

/** What left a model's requests at a trim: entries `first`…`last` (`count` of them, `characters` in all); requests start at `from`. */
export type ContextTrim = { readonly from: number; readonly first: number; readonly last: number; readonly count: number; readonly characters: number };

const INPUT = new Set<HistoryEntry['kind']>(['user_input', 'peer_message', 'pod_event', 'notice']);

export function trimmedFrom(history: readonly HistoryEntry[]): number | undefined {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const from = trimStartOf(history[i]!);
    if (from !== undefined) return from;
  }
  return undefined;
}

export function trimStartOf(entry: HistoryEntry): number | undefined {
  return entry.kind === 'notice' && entry.code === 'context_trimmed' ? entry.contextFrom : undefined;
}

export function contextFrom(history: readonly HistoryEntry[]): number {
  return trimmedFrom(history) ?? history[0]?.seq ?? 1;
}

export function requestWindow(history: readonly HistoryEntry[]): readonly HistoryEntry[] {
  const from = contextFrom(history);
  const first = history[0]?.seq ?? from;
  return from <= first ? history : history.slice(from - first);
}

/** What a first read stopped short of (ADR 0020); none of it can start a request, since the next trim cuts later. */
export type WindowHead = { readonly first: number; readonly characters: number };

export function windowEntries(window: readonly HistoryEntry[]): WindowEntry[] {
  const entries: WindowEntry[] = [];
  const open = new Set<string>();
  for (const entry of window) {
    entries.push({ size: transcriptSize(entry), edge: INPUT.has(entry.kind) && open.size === 0 });
    if (entry.kind === 'tool_call' && entry.agent === undefined) open.add(entry.callId);
    else if (entry.kind === 'tool_result') open.delete(entry.callId);
  }
  return entries;
}

/** Where the request starts once `window` outgrows `budget` (the domain's `contextStart`). */
export function contextTrim(window: readonly HistoryEntry[], budget: number, head?: WindowHead): ContextTrim | undefined {
  const held = windowEntries(window);
  if (head !== undefined && window.length > 0) {
    // The head counts as one entry no request may start at: the policy sees the same sizes and edges.
    const start = contextStart([{ size: head.characters, edge: false }, ...held], budget);
    if (start === undefined || start === 0) return undefined;
    let characters = head.characters;
    for (let i = 0; i < start - 1; i += 1) characters += held[i]!.size;
    const from = window[start - 1]!.seq;
    // A Pod's seqs are gap-free: what left is every seq from the window's first to the cut.
    return { from, first: head.first, last: from - 1, count: from - head.first, characters };
  }
  const start = contextStart(held, budget);
  if (start === undefined || start === 0) return undefined;
  let characters = 0;
  for (let i = 0; i < start; i += 1) characters += held[i]!.size;
  return { from: window[start]!.seq, first: window[0]!.seq, last: window[start - 1]!.seq, count: start, characters };
}

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
