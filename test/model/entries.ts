import type { HistoryEntry, HistoryEntryBody } from '../../src/domain/history-entry.js';
import { PodName } from '../../src/domain/pod-name.js';

export const pod = PodName.unsafe('main');
const AT = new Date('2025-01-01T00:00:00Z');

/** Bodies as a committed history of `main`: seq 1, 2, 3, … */
export function history(...bodies: readonly HistoryEntryBody[]): HistoryEntry[] {
  return bodies.map((body, i) => ({ ...body, pod, seq: i + 1, at: AT }));
}

export const operator = (text: string): HistoryEntryBody => ({ kind: 'user_input', text, origin: { type: 'operator' } });
export const fromParent = (parent: string, text: string): HistoryEntryBody => ({
  kind: 'user_input',
  text,
  origin: { type: 'parent', parent: PodName.unsafe(parent) },
});
export const said = (text: string, seenThrough?: number): HistoryEntryBody =>
  seenThrough === undefined ? { kind: 'assistant_message', text } : { kind: 'assistant_message', text, seenThrough };
export const call = (callId: string, tool: string, input: unknown): HistoryEntryBody => ({ kind: 'tool_call', callId, tool, input });
export const result = (callId: string, tool: string, summary: string, content?: unknown): HistoryEntryBody =>
  content === undefined
    ? { kind: 'tool_result', callId, tool, outcome: 'ok', summary }
    : { kind: 'tool_result', callId, tool, outcome: 'ok', summary, content };
export const failed = (callId: string, tool: string, outcome: 'invalid_argument' | 'execution_failed', summary: string): HistoryEntryBody => ({
  kind: 'tool_result',
  callId,
  tool,
  outcome,
  summary,
});
export const peer = (from: string, pairSeq: number, body: string): HistoryEntryBody => ({
  kind: 'peer_message',
  from: PodName.unsafe(from),
  relationId: 'rel_1',
  messageId: `msg_${pairSeq}`,
  pairSeq,
  body,
});
export const event = (child: string, kind: 'finished' | 'errored' | 'stopped', message?: string): HistoryEntryBody =>
  message === undefined
    ? { kind: 'pod_event', child: PodName.unsafe(child), event: kind }
    : { kind: 'pod_event', child: PodName.unsafe(child), event: kind, message };
export const notice = (text: string): HistoryEntryBody => ({ kind: 'notice', code: 'ping_pong_breaker', text });
