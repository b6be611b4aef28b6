import type { ModelReply, ModelToolCall } from '../../application/ports/model.js';
import { excerpt } from './excerpt.js';

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const malformed = (problem: string): ModelReply => ({ ok: false, error: `malformed model reply: ${problem}` });

/**
 * Reads `choices[0].message` of a chat-completions reply. A tool call whose `arguments`
 * are not JSON fails the whole reply: guessing an input would run a tool the model never
 * asked for. Call ids must pair calls with results in the Pod's history, so a missing or
 * reused id (some local servers number calls per reply) becomes `call_<nextSeq>_<index>`.
 */
export function parseChatCompletion(body: unknown, taken: ReadonlySet<string>, nextSeq: number): ModelReply {
  const choices = isObject(body) ? body['choices'] : undefined;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = isObject(first) ? first['message'] : undefined;
  if (!isObject(message)) return malformed(`no choices[0].message in ${excerpt(JSON.stringify(body) ?? '')}`);

  const content = message['content'] ?? '';
  if (typeof content !== 'string') return malformed('choices[0].message.content is neither a string nor null');
  const rawCalls = message['tool_calls'] ?? [];
  if (!Array.isArray(rawCalls)) return malformed('choices[0].message.tool_calls is not an array');

  const used = new Set(taken);
  const toolCalls: ModelToolCall[] = [];
  for (const [index, raw] of rawCalls.entries()) {
    const call = toolCall(raw, index);
    if (typeof call === 'string') return malformed(call);
    const callId = call.id === undefined || used.has(call.id) ? `call_${nextSeq}_${index}` : call.id;
    used.add(callId);
    toolCalls.push({ callId, tool: call.tool, input: call.input });
  }
  return { ok: true, text: content, toolCalls };
}

function toolCall(raw: unknown, index: number): { id: string | undefined; tool: string; input: unknown } | string {
  const fn = isObject(raw) ? raw['function'] : undefined;
  const tool = isObject(fn) ? fn['name'] : undefined;
  if (!isObject(raw) || !isObject(fn) || typeof tool !== 'string' || tool === '') return `tool_calls[${index}] has no function name`;
  const id = typeof raw['id'] === 'string' && raw['id'] !== '' ? raw['id'] : undefined;
  const args = fn['arguments'];
  // Servers differ on a call without arguments (absent, null, "") and a few send an object.
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return { id, tool, input: {} };
  if (typeof args !== 'string') return isObject(args) ? { id, tool, input: args } : `tool_calls[${index}] (${tool}) arguments are neither a JSON string nor an object`;
  try {
    return { id, tool, input: JSON.parse(args) };
  } catch (error) {
    return `tool_calls[${index}] (${tool}) arguments are not valid JSON (${error instanceof Error ? error.message : String(error)}): ${excerpt(args, 120)}`;
  }
}
