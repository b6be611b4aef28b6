import type { ConversationItem, ModelReply, ModelRequest, OfferedTool } from './model-exchange.js';
import { list, pieces, record, sse, text, type WireReply } from './wire-reply.js';

/** `POST /v1/messages` (Claude Code adds `?beta=true`) as Claude Code sends it. */
export function parseAnthropicRequest(body: unknown): ModelRequest {
  const b = record(body);
  const items: ConversationItem[] = [];
  const system = typeof b['system'] === 'string' ? b['system'] : list(b['system']).map((block) => text(record(block)['text'])).join('\n');
  if (system) items.push({ kind: 'text', role: 'system', text: system });
  for (const message of list(b['messages'])) {
    const m = record(message);
    const role = m['role'] === 'assistant' ? 'assistant' : 'user';
    const content = m['content'];
    if (typeof content === 'string') {
      items.push({ kind: 'text', role, text: content });
      continue;
    }
    for (const raw of list(content)) {
      const block = record(raw);
      if (block['type'] === 'text') items.push({ kind: 'text', role, text: text(block['text']) });
      else if (block['type'] === 'tool_use') items.push({ kind: 'tool_call', callId: text(block['id']), name: text(block['name']), input: block['input'] });
      else if (block['type'] === 'tool_result') {
        const result = block['content'];
        const output = typeof result === 'string' ? result : list(result).map((part) => text(record(part)['text'])).join('\n');
        items.push({ kind: 'tool_result', callId: text(block['tool_use_id']), output, isError: block['is_error'] === true });
      }
    }
  }
  const tools: OfferedTool[] = list(b['tools']).map((raw) => {
    const tool = record(raw);
    return { name: text(tool['name']), form: 'function', inputSchema: tool['input_schema'] };
  });
  return { api: 'anthropic-messages', model: text(b['model']), stream: b['stream'] === true, items, tools, housekeeping: tools.length === 0, raw: body };
}

// Claude Code's ACP adapter counts context use from all four usage fields; a missing one makes it send `used: null`, which the ACP schema rejects.
const USAGE = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

export function renderAnthropicReply(reply: ModelReply, request: ModelRequest, nextId: () => string): WireReply {
  if (reply.kind === 'error') return { type: 'json', status: reply.status, body: { type: 'error', error: { type: 'api_error', message: reply.message } } };
  const id = `msg_${nextId()}`;
  const calls = reply.kind === 'tool_calls' ? reply.calls.map((call) => ({ id: `toolu_${nextId()}`, ...call })) : [];
  const prose = reply.kind === 'tool_calls' ? reply.text ?? '' : reply.text;
  const stopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
  if (!request.stream && reply.kind !== 'hang') {
    const content = [...(prose ? [{ type: 'text', text: prose }] : []), ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.input }))];
    return { type: 'json', status: 200, body: { id, type: 'message', role: 'assistant', model: request.model, content, stop_reason: stopReason, stop_sequence: null, usage: USAGE } };
  }
  const events = [sse('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model: request.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...USAGE, output_tokens: 1 } } })];
  let index = 0;
  if (prose || calls.length === 0) {
    events.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    for (const piece of pieces(prose, reply.kind === 'text' ? reply.chunks : 1)) {
      events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
    }
    if (reply.kind === 'hang') return { type: 'sse', events, hang: true };
    events.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  }
  for (const call of calls) {
    events.push(
      sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }),
      sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(call.input) } }),
      sse('content_block_stop', { type: 'content_block_stop', index }),
    );
    index++;
  }
  events.push(
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: USAGE.output_tokens } }),
    sse('message_stop', { type: 'message_stop' }),
  );
  return { type: 'sse', events, hang: false, ...(reply.kind === 'text' && reply.paceMs !== undefined ? { paceMs: reply.paceMs } : {}) };
}
