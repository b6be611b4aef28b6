import type { ServiceIdentifier } from 'inversify';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import type { ToolSpec } from '../tools/pod-tools.js';

export type ModelRequest = {
  readonly pod: PodName;
  /** Oldest first, from the newest trim's `contextFrom`: the only context a model ever gets. */
  readonly history: readonly HistoryEntry[];
  readonly tools: readonly ToolSpec[];
  readonly signal?: AbortSignal;
  /** Reports what arrives as it streams; the reply is the same either way, and nothing reported is committed. */
  readonly onStream?: (event: ModelStreamEvent) => void;
};

/** Text as it arrives; a tool call once its name is known; a one-time note (e.g. "this server does not stream"). */
export type ModelStreamEvent =
  | { readonly type: 'text'; readonly delta: string }
  | { readonly type: 'tool_call'; readonly index: number; readonly tool: string }
  | { readonly type: 'note'; readonly text: string };

export type ModelToolCall = { readonly callId: string; readonly tool: string; readonly input: unknown };

/** No tool calls ends the turn. Timeouts, HTTP errors and malformed replies are `ok: false`, never thrown. */
export type ModelReply =
  | { readonly ok: true; readonly text: string; readonly toolCalls: readonly ModelToolCall[] }
  | { readonly ok: false; readonly error: string };

export interface Model {
  readonly label: string;
  complete(request: ModelRequest): Promise<ModelReply>;
}
export const MODEL = Symbol.for('Model') as ServiceIdentifier<Model>;
