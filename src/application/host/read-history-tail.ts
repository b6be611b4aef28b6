import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { trimmedFrom, trimStartOf, type WindowHead } from '../model-context.js';
import { transcriptSize } from '../model-transcript.js';
import type { HistoryRepository } from '../ports/history-repository.js';
import { tailSuffices } from './tail-suffices.js';

/** What a host's first read of a Pod holds: its newest entries, and what of the request window is older (none: the window starts in them). */
export type HistoryTail = { readonly entries: readonly HistoryEntry[]; readonly head?: WindowHead };

/** Entries per read: a page of large entries (64 KiB each) stays a few MiB. */
export const TAIL_PAGE = 256;

/**
 * A Pod's history as a host's turns need it (ADR 0020), read backwards from the head page by
 * page until `tailSuffices`: about a context budget of entries, whatever the history's length.
 * When the request window starts before those, its older entries are read on to its start
 * only to count their characters (the trim notice names them), a page at a time, so memory
 * stays a page; that happens once per Pod, since the trim that follows commits a notice the
 * next first read stops at. A tool call among them that never got a result is what the old
 * whole read found and answered: then the history is read whole, as before.
 */
export async function readHistoryTail(history: HistoryRepository, pod: PodName, budget: number): Promise<HistoryTail> {
  let entries: HistoryEntry[] = [];
  for (;;) {
    // `after: 0` bounds nothing: a first read is still "everything after seq 0", a page at a time.
    const page = await history.read(pod, { after: 0, before: entries[0]?.seq ?? Number.MAX_SAFE_INTEGER, limit: TAIL_PAGE });
    entries = [...page, ...entries];
    if (page.length < TAIL_PAGE || (entries[0]?.seq ?? 1) <= 1) return { entries };
    if (tailSuffices(entries, budget)) break;
  }
  const held = entries[0]!.seq;
  const from = trimmedFrom(entries);
  if (from !== undefined && from >= held) return { entries };
  const head = await countHead(history, pod, entries, from);
  return head === 'unanswered_call' ? { entries: await history.read(pod, { after: 0 }) } : { entries, head };
}

/**
 * The characters of the window's entries before `tail` (from `from`, the newest trim's start,
 * or found on the way back; the first entry without one), read backwards a page at a time.
 * A tool call there with no result anywhere ends the count (`unanswered_call`).
 */
async function countHead(history: HistoryRepository, pod: PodName, tail: readonly HistoryEntry[], known: number | undefined): Promise<WindowHead | 'unanswered_call'> {
  let from = known;
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
