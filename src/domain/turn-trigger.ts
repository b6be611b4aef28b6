import type { HistoryEntry } from './history-entry.js';
import type { PodName } from './pod-name.js';

export const INPUT_KINDS = new Set<HistoryEntry['kind']>(['user_input', 'peer_message', 'pod_event']);
/** What a model must still see: new input, and tool results committed after the request that asked for them. */
const UNSEEN_KINDS = new Set<HistoryEntry['kind']>([...INPUT_KINDS, 'tool_result']);

/** Output records what it saw, so input committed mid-request stays unanswered, and a restarted host agrees. */
export function watermark(history: readonly HistoryEntry[]): number {
  let seen = 0;
  for (const entry of history) {
    if (entry.kind === 'assistant_message' || entry.kind === 'tool_call' || entry.kind === 'notice') {
      seen = Math.max(seen, entry.seenThrough ?? entry.seq);
    }
  }
  return seen;
}

/** An output entry never saw past itself, so once `mark` reaches back to `oldest - 1` older entries cannot raise it. */
export function watermarkReached(oldest: number, mark: number): boolean {
  return oldest <= mark + 1;
}

/** An agent's own tool results are not among them: the agent saw each as it happened. */
export function unansweredInput(history: readonly HistoryEntry[]): readonly HistoryEntry[] {
  const seen = watermark(history);
  return history.filter((e) => e.seq > seen && UNSEEN_KINDS.has(e.kind) && !(e.kind === 'tool_result' && e.agent !== undefined));
}

/** Only when the parent asked (a SendToPod/SpawnPod message triggered it); peer- and event-triggered turns stay silent. */
export function parentOf(trigger: readonly HistoryEntry[]): PodName | undefined {
  for (const entry of trigger) {
    if (entry.kind === 'user_input' && entry.origin.type === 'parent') return entry.origin.parent;
  }
  return undefined;
}

/** Tool calls whose result never got committed (the host died between the two). */
export function orphanToolCalls(history: readonly HistoryEntry[]): readonly HistoryEntry[] {
  const answered = new Set(history.flatMap((e) => (e.kind === 'tool_result' ? [e.callId] : [])));
  return history.filter((e) => e.kind === 'tool_call' && !answered.has(e.callId));
}
