import { toTranscript, type TranscriptMessage } from '../../application/model-transcript.js';
import type { ToolSpec } from '../../application/tools/pod-tools.js';
import type { HistoryEntry } from '../../domain/history-entry.js';

type ChatToolCall = { readonly id: string; readonly type: 'function'; readonly function: { readonly name: string; readonly arguments: string } };

export type ChatMessage =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly ChatToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

export type ChatTool = {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description: string; readonly parameters: object };
};

export type ChatCompletionsRequest = { readonly model: string; readonly messages: readonly ChatMessage[]; readonly tools?: readonly ChatTool[] };

/**
 * The whole request: the transcript of committed history and the tool surface. There is
 * no system prompt, because it would be context that is not in the history (SPEC §5).
 * `tools` is left out when empty, since some servers refuse an empty list.
 */
export function chatCompletionsRequest(model: string, history: readonly HistoryEntry[], tools: readonly ToolSpec[]): ChatCompletionsRequest {
  const messages = toTranscript(history).map(toChatMessage);
  if (tools.length === 0) return { model, messages };
  return {
    model,
    messages,
    tools: tools.map(({ name, description, inputSchema }) => ({ type: 'function', function: { name, description, parameters: inputSchema } })),
  };
}

function toChatMessage(message: TranscriptMessage): ChatMessage {
  switch (message.role) {
    case 'user':
      return message;
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      if (message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.callId,
          type: 'function',
          function: { name: call.tool, arguments: JSON.stringify(call.input) ?? '{}' },
        })),
      };
  }
}
