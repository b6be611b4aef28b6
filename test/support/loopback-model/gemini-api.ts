import type { ConversationItem, ModelReply, ModelRequest, OfferedTool } from './model-exchange.js';
import { list, pieces, record, sse, text, type WireReply } from './wire-reply.js';

/**
 * The Gemini API as Gemini CLI sends it through `@google/genai`:
 * `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (a turn, streamed) or
 * `:generateContent` (its one-shot JSON calls). The model and whether to stream are in the path.
 */
export const GEMINI_PATH = /^\/v1beta\/models\/([^/:?]+):(streamGenerateContent|generateContent)(\?.*)?$/;

export function parseGeminiRequest(body: unknown, path: string): ModelRequest {
  const b = record(body);
  const [, model = '', method = ''] = GEMINI_PATH.exec(path) ?? [];
  const items: ConversationItem[] = [];
  const system = list(record(b['systemInstruction'])['parts']).map((part) => text(record(part)['text'])).join('\n');
  if (system) items.push({ kind: 'text', role: 'system', text: system });
  for (const raw of list(b['contents'])) {
    const content = record(raw);
    const role = content['role'] === 'model' ? 'assistant' : 'user';
    for (const rawPart of list(content['parts'])) {
      const part = record(rawPart);
      if (typeof part['text'] === 'string') {
        // Gemini 3 models' thoughts come back as text parts marked `thought`; they are not what was said.
        if (part['thought'] !== true) items.push({ kind: 'text', role, text: part['text'] });
      } else if (part['functionCall'] !== undefined) {
        const call = record(part['functionCall']);
        items.push({ kind: 'tool_call', callId: text(call['id']) || text(call['name']), name: text(call['name']), input: call['args'] ?? {} });
      } else if (part['functionResponse'] !== undefined) {
        const reply = record(part['functionResponse']);
        const response = record(reply['response']);
        items.push({ kind: 'tool_result', callId: text(reply['id']) || text(reply['name']), output: responseText(response), isError: response['error'] !== undefined });
      }
    }
  }
  const tools: OfferedTool[] = list(b['tools']).flatMap((raw) => list(record(raw)['functionDeclarations'])).map((raw) => {
    const fn = record(raw);
    return { name: text(fn['name']), form: 'function', inputSchema: fn['parametersJsonSchema'] ?? fn['parameters'] };
  });
  return { api: 'gemini', model, stream: method === 'streamGenerateContent', items, tools, housekeeping: tools.length === 0, raw: body };
}

/** A tool's output as Gemini CLI wraps it: `{output}`, `{error}`, or (MCP) `{content: [{text}]}`. */
function responseText(response: Record<string, unknown>): string {
  for (const key of ['output', 'error']) {
    const value = response[key];
    if (typeof value === 'string') return value;
  }
  const content = list(response['content']);
  if (content.length > 0) return content.map((part) => text(record(part)['text'])).join('\n');
  return JSON.stringify(response);
}

const USAGE = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };

export function renderGeminiReply(reply: ModelReply, request: ModelRequest, nextId: () => string): WireReply {
  if (reply.kind === 'error') {
    const status = reply.status === 429 ? 'RESOURCE_EXHAUSTED' : reply.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
    return { type: 'json', status: reply.status, body: { error: { code: reply.status, message: reply.message, status } } };
  }
  const responseId = `resp_${nextId()}`;
  const chunk = (parts: unknown[], finishReason?: string) => ({
    candidates: [{ index: 0, content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }],
    ...(finishReason ? { usageMetadata: USAGE } : {}),
    modelVersion: request.model,
    responseId,
  });
  const prose = reply.kind === 'tool_calls' ? reply.text ?? '' : reply.text;
  const calls = reply.kind === 'tool_calls'
    ? reply.calls.map((call) => ({ functionCall: { id: `call_${nextId()}`, name: call.name, args: call.input ?? {} } }))
    : [];
  if (!request.stream && reply.kind !== 'hang') {
    return { type: 'json', status: 200, body: chunk([...(prose ? [{ text: prose }] : []), ...calls], 'STOP') };
  }
  const events: string[] = [];
  const texts = prose || reply.kind !== 'tool_calls' ? pieces(prose, reply.kind === 'text' ? reply.chunks : 1) : [];
  if (reply.kind === 'hang') return { type: 'sse', events: texts.map((t) => sse(undefined, chunk([{ text: t }]))), hang: true };
  // The last chunk carries the finish reason (and the calls, as the API sends them: whole, after any text).
  texts.slice(0, calls.length > 0 ? texts.length : -1).forEach((t) => events.push(sse(undefined, chunk([{ text: t }]))));
  const last = calls.length > 0 ? calls : [{ text: texts.at(-1) ?? '' }];
  events.push(sse(undefined, chunk(last, 'STOP')));
  return { type: 'sse', events, hang: false, ...(reply.kind === 'text' && reply.paceMs !== undefined ? { paceMs: reply.paceMs } : {}) };
}
