import type { ServiceIdentifier } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import type { ToolSpec } from '../tools/pod-tools.js';

export type ModelRequest = {
  readonly pod: PodName;
  /**
   * The Pod's committed history, oldest first, from where its requests start (the newest
   * `context_trimmed` notice's `contextFrom`, within the host's context budget): the only
   * context a model ever gets.
   */
  readonly history: readonly HistoryEntry[];
  readonly tools: readonly ToolSpec[];
  /** Aborted when the operator cancels the turn or the host shuts down. */
  readonly signal?: AbortSignal;
  /**
   * Given, the model streams when it can and reports what arrives before the reply is
   * whole. The reply is the same either way; nothing reported here is committed.
   */
  readonly onStream?: (event: ModelStreamEvent) => void;
};

/** Text as it arrives; a tool call once its name is known; a one-time note (e.g. "this server does not stream"). */
export type ModelStreamEvent =
  | { readonly type: 'text'; readonly delta: string }
  | { readonly type: 'tool_call'; readonly index: number; readonly tool: string }
  | { readonly type: 'note'; readonly text: string };

export type ModelToolCall = { readonly callId: string; readonly tool: string; readonly input: unknown };

/**
 * One model step. A reply with no tool calls ends the turn. Timeouts, HTTP errors and
 * malformed replies are `ok: false` (recorded as `run_errored`), never thrown.
 */
export type ModelReply =
  | { readonly ok: true; readonly text: string; readonly toolCalls: readonly ModelToolCall[] }
  | { readonly ok: false; readonly error: string };

export interface Model {
  /** A short label for logs and the TUI, e.g. `builtin` or `openai:llama3.1`. */
  readonly label: string;
  complete(request: ModelRequest): Promise<ModelReply>;
}
export const MODEL = Symbol.for('Model') as ServiceIdentifier<Model>;
