import type { ConversationItem, ModelReply, ModelRequest, OfferedTool } from './model-exchange.js';
import { list, pieces, record, sse, text, type WireReply } from './wire-reply.js';

/** `POST /v1/responses` as Codex sends it (`wire_api = "responses"`, always streamed). */
export function parseResponsesRequest(body: unknown): ModelRequest {
  const b = record(body);
  const items: ConversationItem[] = [];
  if (typeof b['instructions'] === 'string') items.push({ kind: 'text', role: 'system', text: b['instructions'] });
  for (const raw of list(b['input'])) {
    const item = record(raw);
    switch (item['type']) {
      case 'message': {
        const role = item['role'] === 'assistant' ? 'assistant' : item['role'] === 'user' ? 'user' : 'system';
        const content = item['content'];
        const said = typeof content === 'string' ? content : list(content).map((part) => text(record(part)['text'])).join('\n');
        items.push({ kind: 'text', role, text: said });
        break;
      }
      case 'function_call': {
        const name = text(item['name']);
        const namespace = text(item['namespace']);
        let input: unknown = text(item['arguments']);
        try {
          input = JSON.parse(text(item['arguments']));
        } catch {
          // Kept as the raw string: the script sees what the agent replayed.
        }
        items.push({ kind: 'tool_call', callId: text(item['call_id']), name: namespace ? `${namespace}__${name}` : name, input });
        break;
      }
      case 'custom_tool_call':
        items.push({ kind: 'tool_call', callId: text(item['call_id']), name: text(item['name']), input: item['input'] });
        break;
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const output = item['output'];
        const said = typeof output === 'string' ? output : list(output).map((part) => text(record(part)['text'])).join('\n');
        items.push({ kind: 'tool_result', callId: text(item['call_id']), output: said, isError: false });
        break;
      }
      default:
        break;
    }
  }
  // The tools a `tool_search` loaded are offered from then on, like those of the request.
  const loaded = list(b['input']).flatMap((raw) => (record(raw)['type'] === 'tool_search_output' ? list(record(raw)['tools']) : []));
  const tools = [...list(b['tools']), ...loaded].flatMap(offeredTools);
  return { api: 'openai-responses', model: text(b['model']), stream: b['stream'] !== false, items, tools, housekeeping: tools.length === 0, raw: body };
}

function offeredTools(raw: unknown): OfferedTool[] {
  const tool = record(raw);
  const name = text(tool['name']);
  switch (tool['type']) {
    case 'function':
      return [{ name, form: 'function', inputSchema: tool['parameters'] }];
    case 'custom':
      return [{ name, form: 'freeform' }];
    case 'tool_search':
      return [{ name: 'tool_search', form: 'search', inputSchema: tool['parameters'] }];
    case 'namespace':
      return list(tool['tools']).map((inner) => {
        const fn = record(inner);
        const localName = text(fn['name']);
        return { name: `${name}__${localName}`, form: 'function', namespace: name, localName, inputSchema: fn['parameters'] };
      });
    default:
      return [];
  }
}

const USAGE = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };

export function renderResponsesReply(reply: ModelReply, request: ModelRequest, nextId: () => string): WireReply {
  if (reply.kind === 'error') return { type: 'json', status: reply.status, body: { error: { type: 'server_error', code: 'server_error', message: reply.message } } };
  const responseId = `resp_${nextId()}`;
  const output: Record<string, unknown>[] = [];
  const events = [sse('response.created', { type: 'response.created', response: { id: responseId, object: 'response', status: 'in_progress', model: request.model, output: [] } })];
  const prose = reply.kind === 'tool_calls' ? reply.text ?? '' : reply.text;
  if (prose || reply.kind !== 'tool_calls') {
    const id = `msg_${nextId()}`;
    const index = output.length;
    events.push(sse('response.output_item.added', { type: 'response.output_item.added', output_index: index, item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] } }));
    for (const delta of pieces(prose, reply.kind === 'text' ? reply.chunks : 1)) {
      events.push(sse('response.output_text.delta', { type: 'response.output_text.delta', item_id: id, output_index: index, content_index: 0, delta }));
    }
    if (reply.kind === 'hang') return { type: 'sse', events, hang: true };
    const item = { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: prose, annotations: [] }] };
    output.push(item);
    events.push(sse('response.output_item.done', { type: 'response.output_item.done', output_index: index, item }));
  }
  if (reply.kind === 'tool_calls') {
    for (const call of reply.calls) {
      const offered = request.tools.find((tool) => tool.name === call.name);
      const callId = `call_${nextId()}`;
      // Codex declares `apply_patch` free-form: its input is the patch text itself, not JSON.
      const item = offered?.form === 'freeform'
        ? { type: 'custom_tool_call', id: `ctc_${callId}`, call_id: callId, name: call.name, input: typeof call.input === 'string' ? call.input : JSON.stringify(call.input), status: 'completed' }
        : offered?.form === 'search'
        ? { type: 'tool_search_call', id: `tsc_${callId}`, call_id: callId, execution: 'client', arguments: call.input, status: 'completed' }
        : {
          type: 'function_call', id: `fc_${callId}`, call_id: callId, status: 'completed', arguments: JSON.stringify(call.input),
          ...(offered?.namespace !== undefined ? { name: offered.localName ?? call.name, namespace: offered.namespace } : { name: call.name }),
        };
      const index = output.length;
      output.push(item);
      events.push(
        sse('response.output_item.added', { type: 'response.output_item.added', output_index: index, item }),
        sse('response.output_item.done', { type: 'response.output_item.done', output_index: index, item }),
      );
    }
  }
  events.push(sse('response.completed', { type: 'response.completed', response: { id: responseId, object: 'response', status: 'completed', model: request.model, output, usage: USAGE } }));
  return { type: 'sse', events, hang: false, ...(reply.kind === 'text' && reply.paceMs !== undefined ? { paceMs: reply.paceMs } : {}) };
}
