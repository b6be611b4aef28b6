import type { PodName } from './pod-name.js';

/** Why a user turn exists: an operator typed it, or the Pod's parent sent it with SendToPod. */
export type InputOrigin = { readonly type: 'operator' } | { readonly type: 'parent'; readonly parent: PodName };

export type ChildEvent = 'finished' | 'errored' | 'stopped';

export type NoticeCode =
  | 'ping_pong_breaker'
  | 'run_errored'
  | 'step_limit'
  | 'turn_cancelled'
  | 'interrupted'
  /** An agent-driven Pod's agent could not resume its session: a new one began with a digest of recent history. */
  | 'agent_session_new'
  /** The agent ended its turn for another reason than finishing it (token or request limit, refusal). */
  | 'agent_stopped'
  /** The oldest entries left a model-driven Pod's requests to keep them within its host's context budget (`contextFrom`). */
  | 'context_trimmed';

export type AgentToolCall = {
  readonly toolKind?: string;
  readonly locations?: readonly string[];
};

/** How an agent's tool call ended, as it reported it; `unknown` when it never said. */
export type AgentToolOutcome = {
  readonly status: 'completed' | 'failed' | 'unknown';
  readonly locations?: readonly string[];
  readonly output?: string;
  readonly cutBytes?: number;
};

/** Everything a model can ever see is one of these, committed first; entries are never rewritten. */
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
      /** Present when an agent made the call with its own tools (an ACP Pod); `tool` is then its title. */
      readonly agent?: AgentToolCall;
    }
  | {
      readonly kind: 'tool_result';
      readonly callId: string;
      readonly tool: string;
      readonly outcome: 'ok' | 'invalid_argument' | 'execution_failed';
      readonly summary: string;
      readonly content?: unknown;
      readonly agent?: AgentToolOutcome;
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
      /** pods' answer to an agent's permission request, decided from the Pod's scope (never by a model). */
      readonly kind: 'permission';
      readonly callId: string;
      readonly title: string;
      readonly toolKind?: string;
      readonly locations: readonly string[];
      readonly decision: 'allowed' | 'rejected';
      /** The scope rule that decided, as `ScopeRule.describe` writes it; absent when none covers the request. */
      readonly rule?: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'notice';
      readonly code: NoticeCode;
      readonly text: string;
      /** Input up to here is dealt with (answered, withheld by the breaker, or failed). */
      readonly seenThrough?: number;
      /** `context_trimmed` only: model requests hold the entries from this seq on, no older one. */
      readonly contextFrom?: number;
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
  'permission',
];
