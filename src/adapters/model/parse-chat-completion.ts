import type { ModelReply, ModelToolCall } from '../../application/ports/model.js';
import { excerpt } from './excerpt.js';

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const malformed = (problem: string): ModelReply => ({ ok: false, error: `malformed model reply: ${problem}` });

/** Non-JSON arguments fail the reply: a guessed input would run a tool the model never asked for. */
export function parseChatCompletion(body: unknown, taken: ReadonlySet<string>, nextSeq: number): ModelReply {
  const choices = isObject(body) ? body['choices'] : undefined;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = isObject(first) ? first['message'] : undefined;
  if (!isObject(message)) return malformed(`no choices[0].message in ${excerpt(JSON.stringify(body) ?? '')}`);
  const cutOff = isObject(first) && first['finish_reason'] === 'length';

  const content = textOf(message['content']);
  if (content === undefined) return malformed('choices[0].message.content is neither a string, null nor an array of parts');
  const legacy = message['function_call'];
  const rawCalls = message['tool_calls'] ?? (isObject(legacy) ? [{ function: legacy }] : []);
  if (!Array.isArray(rawCalls)) return malformed('choices[0].message.tool_calls is not an array');

  const used = new Set(taken);
  const toolCalls: ModelToolCall[] = [];
  for (const [index, raw] of rawCalls.entries()) {
    const call = toolCall(raw, index);
    // A cut-off reply's last call is where the cut usually lands: say so rather than "not JSON".
    if (typeof call === 'string') return malformed(cutOff ? `${call} (the reply was cut off at the model's output limit: finish_reason "length")` : call);
    const callId = call.id === undefined || used.has(call.id) ? generatedCallId(nextSeq, index, used) : call.id;
    used.add(callId);
    toolCalls.push({ callId, tool: call.tool, input: call.input });
  }
  return { ok: true, text: content, toolCalls };
}

/** Nine letters and digits, as Mistral requires; derived from the history position so a retried request gets the same ids. */
export function generatedCallId(nextSeq: number, index: number, used: ReadonlySet<string>): string {
  for (let salt = 0; ; salt += 1) {
    const id = `c${nextSeq.toString(36).padStart(5, '0').slice(-5)}${index.toString(36).padStart(2, '0').slice(-2)}${salt.toString(36).slice(-1)}`;
    if (!used.has(id)) return id;
  }
}

function textOf(content: unknown): string | undefined {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  return content
    .filter((part): part is Json => isObject(part) && part['type'] === 'text' && typeof part['text'] === 'string')
    .map((part) => part['text'] as string)
    .join('');
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
    const parsed: unknown = JSON.parse(args);
    // Encoded twice by some servers: a JSON string whose content is the JSON object.
    if (typeof parsed === 'string' && /^\s*[{[]/.test(parsed)) return { id, tool, input: JSON.parse(parsed) };
    return { id, tool, input: parsed };
  } catch (error) {
    return `tool_calls[${index}] (${tool}) arguments are not valid JSON (${error instanceof Error ? error.message : String(error)}): ${excerpt(args, 120)}`;
  }
}
