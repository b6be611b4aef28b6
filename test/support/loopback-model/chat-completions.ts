import type { ConversationItem, ModelReply, ModelRequest, OfferedTool } from './model-exchange.js';
import { list, pieces, record, sse, text, type WireReply } from './wire-reply.js';

/** `POST /v1/chat/completions` as opencode's `@ai-sdk/openai-compatible` provider sends it. */
export function parseChatRequest(body: unknown): ModelRequest {
  const b = record(body);
  const items: ConversationItem[] = [];
  for (const raw of list(b['messages'])) {
    const m = record(raw);
    const content = m['content'];
    const said = typeof content === 'string' ? content : list(content).map((part) => text(record(part)['text'])).join('\n');
    if (m['role'] === 'tool') {
      items.push({ kind: 'tool_result', callId: text(m['tool_call_id']), output: said, isError: false });
      continue;
    }
    const role = m['role'] === 'assistant' ? 'assistant' : m['role'] === 'user' ? 'user' : 'system';
    if (said) items.push({ kind: 'text', role, text: said });
    for (const rawCall of list(m['tool_calls'])) {
      const call = record(rawCall);
      const fn = record(call['function']);
      let input: unknown = text(fn['arguments']);
      try {
        input = JSON.parse(text(fn['arguments']));
      } catch {
        // Kept as the raw string: the script sees what the agent replayed.
      }
      items.push({ kind: 'tool_call', callId: text(call['id']), name: text(fn['name']), input });
    }
  }
  const tools: OfferedTool[] = list(b['tools']).map((raw) => {
    const fn = record(record(raw)['function']);
    return { name: text(fn['name']), form: 'function', inputSchema: fn['parameters'] };
  });
  return { api: 'chat-completions', model: text(b['model']), stream: b['stream'] === true, items, tools, housekeeping: tools.length === 0, raw: body };
}

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

export function renderChatReply(reply: ModelReply, request: ModelRequest, nextId: () => string): WireReply {
  if (reply.kind === 'error') return { type: 'json', status: reply.status, body: { error: { type: 'server_error', message: reply.message } } };
  const id = `chatcmpl_${nextId()}`;
  const calls = reply.kind === 'tool_calls'
    ? reply.calls.map((call) => ({ id: `call_${nextId()}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.input) } }))
    : [];
  const prose = reply.kind === 'tool_calls' ? reply.text ?? '' : reply.text;
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const base = { id, object: 'chat.completion.chunk', created: 0, model: request.model };
  if (!request.stream && reply.kind !== 'hang') {
    const message = { role: 'assistant', content: prose || null, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
    return { type: 'json', status: 200, body: { id, object: 'chat.completion', created: 0, model: request.model, choices: [{ index: 0, message, finish_reason: finish }], usage: USAGE } };
  }
  const chunk = (delta: unknown, finishReason: string | null) => sse(undefined, { ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  if (prose) for (const piece of pieces(prose, reply.kind === 'text' ? reply.chunks : 1)) events.push(chunk({ content: piece }, null));
  if (reply.kind === 'hang') return { type: 'sse', events, hang: true };
  calls.forEach((call, index) => events.push(chunk({ tool_calls: [{ index, ...call }] }, null)));
  events.push(chunk({}, finish), sse(undefined, { ...base, choices: [], usage: USAGE }), sse(undefined, '[DONE]'));
  return { type: 'sse', events, hang: false, ...(reply.kind === 'text' && reply.paceMs !== undefined ? { paceMs: reply.paceMs } : {}) };
}
