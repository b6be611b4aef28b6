import type { HistoryEntry } from '../../domain/history-entry.js';
import { watermark, watermarkReached } from '../../domain/turn-trigger.js';
import { trimmedFrom, windowEntries } from '../model-context.js';

/**
 * Whether `tail`, the newest entries of a Pod's history (oldest first), holds all a host's
 * turn reads of it, so a first read backwards from the head may stop (ADR 0020):
 *
 * - the watermark and the input after it: every output records what it had seen, at most the
 *   entry before it, so once the tail's watermark reaches the entry before the tail, nothing
 *   older can move it, and the unanswered input is all in the tail;
 * - the request window: either it starts in the tail (the newest `context_trimmed` notice
 *   says so), or the tail alone outgrows `budget` and holds a turn's edge, so the next trim
 *   cuts inside it, where the older entries only count as characters. Then no tool call
 *   before the tail may be open in it (a result whose call is older would make the tail's
 *   edges differ from the window's).
 *
 * A tail from seq 1 is the whole history.
 */
export function tailSuffices(tail: readonly HistoryEntry[], budget: number): boolean {
  const first = tail[0]?.seq;
  if (first === undefined || first <= 1) return true;
  if (!watermarkReached(first, watermark(tail))) return false;
  const from = trimmedFrom(tail);
  if (from !== undefined && from >= first) return true;
  const calls = new Set(tail.flatMap((e) => (e.kind === 'tool_call' ? [e.callId] : [])));
  // An agent's calls never hold a window's edge (contextTrim), so only a model's count.
  if (tail.some((e) => e.kind === 'tool_result' && e.agent === undefined && !calls.has(e.callId))) return false;
  const entries = windowEntries(tail);
  let total = 0;
  for (const entry of entries) total += entry.size;
  return total > budget && entries.some((e) => e.edge);
}
