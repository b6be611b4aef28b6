import type * as acp from '@agentclientprotocol/sdk/unstable';

/** One tool call as the updates left it: `tool_call` then every `tool_call_update` merged in, in order. */
export type ToolCallState = {
  readonly toolCallId: string;
  readonly title?: string;
  readonly kind?: string;
  readonly status?: string;
  readonly locations?: readonly acp.ToolCallLocation[];
  readonly rawInput?: unknown;
  readonly rawOutput?: unknown;
  readonly content?: readonly acp.ToolCallContent[];
  /** The update kinds that built it, in order: `tool_call`, `tool_call_update`, … */
  readonly trail: readonly string[];
};

/** The tool calls of a list of updates, in the order they first appeared. */
export function toolCallsOf(updates: readonly acp.SessionUpdate[]): ToolCallState[] {
  const calls = new Map<string, ToolCallState>();
  for (const update of updates) {
    if (update.sessionUpdate !== 'tool_call' && update.sessionUpdate !== 'tool_call_update') continue;
    const { sessionUpdate, toolCallId, ...fields } = update;
    const before = calls.get(toolCallId) ?? { toolCallId, trail: [] };
    const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null));
    calls.set(toolCallId, { ...before, ...defined, toolCallId, trail: [...before.trail, sessionUpdate] });
  }
  return [...calls.values()];
}

/** The text of the `agent_message_chunk`s (or another chunk kind) of a list of updates, joined. */
export function chunkText(updates: readonly acp.SessionUpdate[], kind: 'agent_message_chunk' | 'user_message_chunk' | 'agent_thought_chunk' = 'agent_message_chunk'): string {
  return updates.map((u) => (u.sessionUpdate === kind && u.content.type === 'text' ? u.content.text : '')).join('');
}
