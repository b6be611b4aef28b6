import { TranscriptBuilder, type TranscriptMessage } from '../../application/model-transcript.js';
import type { ToolSpec } from '../../application/tools/pod-tools.js';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';

type ChatToolCall = { readonly id: string; readonly type: 'function'; readonly function: { readonly name: string; readonly arguments: string } };

export type ChatMessage =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly tool_calls?: readonly ChatToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

/** Pods whose encoded transcripts are kept; one beyond is encoded afresh on its next request. */
const KEPT_PODS = 8;

type Kept = { readonly builder: TranscriptBuilder; readonly encoded: string[] };

/**
 * Request bodies as JSON text: the transcript of committed history and the tool surface.
 * There is no system prompt, because it would be context that is not in the history
 * (SPEC §5). `tools` is left out when empty, since some servers refuse an empty list.
 *
 * A Pod's history only grows, so each Pod's transcript is built on from the entries added
 * since its last request, and messages that no later entry can change are encoded once:
 * a step's request costs what is new, plus joining the text.
 */
export class ChatRequestBodies {
  private readonly kept = new Map<PodName, Kept>();

  body(model: string, pod: PodName, history: readonly HistoryEntry[], tools: readonly ToolSpec[], stream: boolean): string {
    const kept = this.continued(pod, history);
    const { builder, encoded } = kept;
    for (let i = builder.taken.count; i < history.length; i++) builder.add(history[i]!);
    const messages = builder.messages();
    for (let i = encoded.length; i < builder.settled(); i++) encoded.push(JSON.stringify(toChatMessage(messages[i]!)));
    const open = messages.slice(encoded.length).map((m) => JSON.stringify(toChatMessage(m)));
    const surface = tools.length === 0 ? '' : `,"tools":${JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ type: 'function', function: { name, description, parameters: inputSchema } })))}`;
    return `{"model":${JSON.stringify(model)},"messages":[${[...encoded, ...open].join(',')}]${surface}${stream ? ',"stream":true' : ''}}`;
  }

  /** What is kept for `pod` if `history` continues it (the same entry where it stopped), else a fresh start. */
  private continued(pod: PodName, history: readonly HistoryEntry[]): Kept {
    const kept = this.kept.get(pod);
    this.kept.delete(pod); // re-inserted last: the map's order is least recently used first
    const taken = kept?.builder.taken;
    const continues = kept && taken && history.length >= taken.count && (taken.count === 0 || history[taken.count - 1]?.seq === taken.lastSeq);
    const next = continues ? kept : { builder: new TranscriptBuilder(), encoded: [] };
    this.kept.set(pod, next);
    if (this.kept.size > KEPT_PODS) this.kept.delete(this.kept.keys().next().value!);
    return next;
  }
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
