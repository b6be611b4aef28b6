import type { HistoryEntry } from '../../domain/history-entry.js';
import { watermark, watermarkReached } from '../../domain/turn-trigger.js';
import { trimmedFrom, windowEntries } from '../model-context.js';

/**
 * Whether `tail` holds all a host's turn reads, so a first read backwards may stop (ADR 0020): its
 * watermark reaches the entry before it (nothing older can move it), and the request window either
 * starts in it, or the tail alone outgrows `budget` with a turn's edge and no older call open in it.
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
