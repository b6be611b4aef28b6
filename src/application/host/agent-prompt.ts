import type { HistoryEntry } from '../../domain/history-entry.js';
import { labelledInput, type InputEntry } from '../model-transcript.js';

const INPUT = new Set<HistoryEntry['kind']>(['user_input', 'peer_message', 'pod_event', 'notice']);
const isInput = (entry: HistoryEntry): entry is InputEntry => INPUT.has(entry.kind);

/** How much of a Pod's recent history a new session's first prompt carries when the old session is lost. */
export const DIGEST_CHARS = 8 * 1024;

/** Labelled as the model transcript labels input: from verified fields, a peer's name, never its text. */
export function agentPrompt(trigger: readonly HistoryEntry[]): string {
  return trigger.filter(isInput).map(labelledInput).join('\n\n');
}

/** What a new session is told so it can carry on when its earlier session could not be resumed. */
export function historyDigest(history: readonly HistoryEntry[], before: number): string {
  const { lines } = digestLines(history, before);
  const header = `[pods: your earlier session of this Pod could not be resumed, so this is a new one. The Pod's most recent history, oldest first (${lines.length} entries):]`;
  return lines.length === 0 ? '' : `${header}\n${lines.join('\n')}\n[end of the earlier history]`;
}

/** Whether the digest of `history` before `before` stopped at an entry that did not fit, so older history cannot change it. */
export function digestComplete(history: readonly HistoryEntry[], before: number): boolean {
  return digestLines(history, before).full;
}

function digestLines(history: readonly HistoryEntry[], before: number): { readonly lines: string[]; readonly full: boolean } {
  const lines: string[] = [];
  let size = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!;
    if (entry.seq >= before) continue;
    const line = digestLine(entry);
    if (line === undefined) continue;
    const clipped = line.length > 1_000 ? `${line.slice(0, 1_000)}…` : line;
    if (size + clipped.length > DIGEST_CHARS) return { lines, full: true };
    lines.unshift(clipped);
    size += clipped.length + 1;
  }
  return { lines, full: false };
}

function digestLine(entry: HistoryEntry): string | undefined {
  if (isInput(entry)) return `#${entry.seq} ${labelledInput(entry).replace(/\n/g, ' ')}`;
  switch (entry.kind) {
    case 'assistant_message':
      return entry.text === '' ? undefined : `#${entry.seq} [you answered] ${entry.text.replace(/\n/g, ' ')}`;
    case 'tool_call':
      return `#${entry.seq} [you called] ${entry.tool}`;
    case 'tool_result':
      return `#${entry.seq} [result of ${entry.tool}] ${entry.outcome}`;
    default:
      return undefined;
  }
}
