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

type Kept = { readonly builder: TranscriptBuilder; encoded: number; bytes: Buffer; length: number };

/** No system prompt: it would be context not in the history (SPEC §5). Some servers refuse an empty `tools` list. */
export class ChatRequestBodies {
  private readonly kept = new Map<PodName, Kept>();

  body(model: string, pod: PodName, history: readonly HistoryEntry[], tools: readonly ToolSpec[], stream: boolean): Buffer {
    const kept = this.continued(pod, history);
    const { builder } = kept;
    for (let i = builder.taken.count; i < history.length; i++) builder.add(history[i]!);
    const settled = builder.settled();
    // Messages from the first one not encoded yet: those now settled are kept, the rest encoded for this request only.
    const fresh = builder.messages(kept.encoded);
    const settling = settled - kept.encoded;
    for (let i = 0; i < settling; i++) append(kept, JSON.stringify(toChatMessage(fresh[i]!)));
    kept.encoded = settled;
    const open = fresh.slice(settling).map((m) => JSON.stringify(toChatMessage(m)));
    const surface = tools.length === 0 ? '' : `,"tools":${JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ type: 'function', function: { name, description, parameters: inputSchema } })))}`;
    return Buffer.concat([
      Buffer.from(`{"model":${JSON.stringify(model)},"messages":[`),
      kept.bytes.subarray(0, kept.length),
      Buffer.from(`${kept.length > 0 && open.length > 0 ? ',' : ''}${open.join(',')}]${surface}${stream ? ',"stream":true' : ''}}`),
    ]);
  }

  /** Seqs are gap-free, so a window that moved on (a `context_trimmed` notice) starts afresh, once per trim. */
  private continued(pod: PodName, history: readonly HistoryEntry[]): Kept {
    const kept = this.kept.get(pod);
    this.kept.delete(pod); // re-inserted last: the map's order is least recently used first
    const taken = kept?.builder.taken;
    const continues = kept && taken && history.length >= taken.count && (taken.count === 0 || history[taken.count - 1]?.seq === taken.lastSeq);
    const next = continues ? kept : { builder: new TranscriptBuilder(), encoded: 0, bytes: Buffer.alloc(0), length: 0 };
    this.kept.set(pod, next);
    if (this.kept.size > KEPT_PODS) this.kept.delete(this.kept.keys().next().value!);
    return next;
  }
}

function append(kept: Kept, json: string): void {
  const text = kept.length > 0 ? `,${json}` : json;
  const size = Buffer.byteLength(text);
  if (kept.length + size > kept.bytes.length) {
    const grown = Buffer.alloc(Math.max(kept.bytes.length * 2, kept.length + size, 64 * 1024));
    kept.bytes.copy(grown, 0, 0, kept.length);
    kept.bytes = grown;
  }
  kept.length += kept.bytes.write(text, kept.length);
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
