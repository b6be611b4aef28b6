import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { trimmedFrom, trimStartOf, type WindowHead } from '../model-context.js';
import { transcriptSize } from '../model-transcript.js';
import type { HistoryRepository } from '../ports/history-repository.js';
import { tailSuffices } from './tail-suffices.js';

export type HistoryTail = { readonly entries: readonly HistoryEntry[]; readonly windowStartsBefore: boolean };

/** Entries per read: a page of large entries (64 KiB each) stays a few MiB. */
export const TAIL_PAGE = 256;

/** Read backwards from the head until `tailSuffices` (ADR 0020): about a context budget, whatever the length. */
export async function readHistoryTail(history: HistoryRepository, pod: PodName, budget: number): Promise<HistoryTail> {
  let entries: HistoryEntry[] = [];
  for (;;) {
    // `after: 0` bounds nothing: a first read is still "everything after seq 0", a page at a time.
    const page = await history.read(pod, { after: 0, before: entries[0]?.seq ?? Number.MAX_SAFE_INTEGER, limit: TAIL_PAGE });
    entries = [...page, ...entries];
    if (page.length < TAIL_PAGE || (entries[0]?.seq ?? 1) <= 1) return { entries, windowStartsBefore: false };
    if (tailSuffices(entries, budget)) break;
  }
  const from = trimmedFrom(entries);
  return { entries, windowStartsBefore: from === undefined || from < entries[0]!.seq };
}

/** A page at a time, once per Pod (the trim that follows commits a notice); an unanswered call ends the count. */
export async function countWindowHead(history: HistoryRepository, pod: PodName, tail: readonly HistoryEntry[]): Promise<WindowHead | 'unanswered_call'> {
  let from = trimmedFrom(tail);
  let characters = 0;
  let before = tail[0]!.seq;
  let oldest = before;
  // Results seen whose call is older still: a call without one here was never answered.
  const results = new Set(tail.flatMap((e) => (e.kind === 'tool_result' ? [e.callId] : [])));
  while (from === undefined || before > from) {
    const page = await history.read(pod, { after: from === undefined ? 0 : from - 1, before, limit: TAIL_PAGE });
    for (let i = page.length - 1; i >= 0; i -= 1) {
      const entry = page[i]!;
      if (from !== undefined && entry.seq < from) break;
      characters += transcriptSize(entry);
      oldest = entry.seq;
      if (entry.kind === 'tool_result') results.add(entry.callId);
      else if (entry.kind === 'tool_call' && !results.delete(entry.callId)) return 'unanswered_call';
      from ??= trimStartOf(entry);
    }
    if (page.length < TAIL_PAGE) break;
    before = page[0]!.seq;
  }
  return { first: from ?? oldest, characters };
}
