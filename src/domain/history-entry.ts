import type { PodName } from './pod-name.js';

/** Why a user turn exists: an operator typed it, or the Pod's parent sent it with SendToPod. */
export type InputOrigin = { readonly type: 'operator' } | { readonly type: 'parent'; readonly parent: PodName };

export type ChildEvent = 'finished' | 'errored' | 'stopped';

export type NoticeCode = 'ping_pong_breaker' | 'run_errored' | 'step_limit' | 'turn_cancelled' | 'interrupted';

/**
 * Everything a model can ever see is one of these, committed before it enters a request.
 * Entries are never rewritten.
 */
export type HistoryEntryBody =
  | { readonly kind: 'user_input'; readonly text: string; readonly origin: InputOrigin }
  | {
      readonly kind: 'assistant_message';
      readonly text: string;
      /** The newest history entry the model request that produced this had seen. */
      readonly seenThrough?: number;
    }
  | {
      readonly kind: 'tool_call';
      readonly callId: string;
      readonly tool: string;
      readonly input: unknown;
      readonly seenThrough?: number;
    }
  | {
      readonly kind: 'tool_result';
      readonly callId: string;
      readonly tool: string;
      readonly outcome: 'ok' | 'invalid_argument' | 'execution_failed';
      readonly summary: string;
      readonly content?: unknown;
    }
  | {
      readonly kind: 'peer_message';
      /** Verified by the store (the relation row), never self-asserted text. */
      readonly from: PodName;
      readonly relationId: string;
      readonly messageId: string;
      /** Gap-free per relation: 1, 2, 3, … */
      readonly pairSeq: number;
      readonly body: string;
      readonly idempotencyKey?: string;
    }
  | { readonly kind: 'pod_event'; readonly child: PodName; readonly event: ChildEvent; readonly message?: string }
  | {
      readonly kind: 'notice';
      readonly code: NoticeCode;
      readonly text: string;
      /** Input up to here is dealt with (answered, withheld by the breaker, or failed). */
      readonly seenThrough?: number;
    };

export type HistoryEntryKind = HistoryEntryBody['kind'];

export type HistoryEntry = HistoryEntryBody & {
  readonly pod: PodName;
  /** Gap-free per Pod, starting at 1. */
  readonly seq: number;
  readonly at: Date;
};

export type EntryOf<K extends HistoryEntryKind> = Extract<HistoryEntry, { kind: K }>;

export const HISTORY_ENTRY_KINDS: readonly HistoryEntryKind[] = [
  'user_input',
  'assistant_message',
  'tool_call',
  'tool_result',
  'peer_message',
  'pod_event',
  'notice',
];
