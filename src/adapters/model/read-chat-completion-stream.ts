import type { ModelStreamEvent } from '../../application/ports/model.js';
import { excerpt } from './excerpt.js';

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

type PartialCall = { id: string | undefined; name: string; args: string; argsObject: unknown };

/** Rebuilds a whole completion, so a streamed reply is committed exactly as an unstreamed one; an `error` fails it. */
export async function readChatCompletionStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: ModelStreamEvent) => void,
  /** Called on every chunk read, events or not (keep-alives too): an idle timer's reset. */
  onChunk: () => void = () => undefined,
): Promise<{ readonly ok: true; readonly completion: unknown } | { readonly ok: false; readonly error: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  let text = '';
  let finishReason: unknown;
  const calls: PartialCall[] = [];

  const onData = (data: string): string | undefined => {
    if (data === '[DONE]') return undefined;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return `a stream event is not JSON: ${excerpt(data)}`;
    }
    if (isObject(chunk) && chunk['error'] !== undefined) {
      const error = chunk['error'];
      const message = isObject(error) && typeof error['message'] === 'string' ? error['message'] : JSON.stringify(error);
      return `the model server reported an error mid-stream: ${excerpt(message)}`;
    }
    const choices = isObject(chunk) ? chunk['choices'] : undefined;
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
    if (!isObject(choice)) return undefined; // usage-only chunks and the like
    if (choice['finish_reason'] !== undefined && choice['finish_reason'] !== null) finishReason = choice['finish_reason'];
    const delta = choice['delta'];
    if (!isObject(delta)) return undefined;
    const content = delta['content'];
    const piece = typeof content === 'string'
      ? content
      : Array.isArray(content) ? content.filter((p): p is Json => isObject(p) && p['type'] === 'text' && typeof p['text'] === 'string').map((p) => p['text'] as string).join('') : '';
    if (piece !== '') {
      text += piece;
      onEvent({ type: 'text', delta: piece });
    }
    const toolCalls = delta['tool_calls'];
    if (!Array.isArray(toolCalls)) return undefined;
    for (const [position, raw] of toolCalls.entries()) {
      if (!isObject(raw)) continue;
      const index = typeof raw['index'] === 'number' ? raw['index'] : position;
      const fn = isObject(raw['function']) ? raw['function'] : {};
      let call = calls[index];
      if (!call) calls[index] = call = { id: undefined, name: '', args: '', argsObject: undefined };
      if (typeof raw['id'] === 'string' && raw['id'] !== '' && call.id === undefined) call.id = raw['id'];
      const hadName = call.name !== '';
      if (typeof fn['name'] === 'string') call.name += fn['name'];
      if (!hadName && call.name !== '') onEvent({ type: 'tool_call', index, tool: call.name });
      if (typeof fn['arguments'] === 'string') call.args += fn['arguments'];
      else if (isObject(fn['arguments'])) call.argsObject = fn['arguments'];
    }
    return undefined;
  };

  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    onChunk();
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
    // Events end with a blank line; a stream that ends mid-event still ends that event.
    const events = buffer.split(/\r?\n\r?\n/);
    buffer = done ? '' : (events.pop() ?? '');
    for (const event of events) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data === '') continue; // comments (`: keep-alive`), event names, retry hints
      const problem = onData(data);
      if (problem) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, error: problem };
      }
    }
    if (done) break;
  }
  const message = {
    role: 'assistant',
    content: text,
    ...(calls.length > 0
      ? { tool_calls: calls.map((c) => ({ ...(c.id ? { id: c.id } : {}), type: 'function', function: { name: c.name, arguments: c.argsObject ?? c.args } })) }
      : {}),
  };
  return { ok: true, completion: { choices: [{ index: 0, message, ...(finishReason !== undefined ? { finish_reason: finishReason } : {}) }] } };
}
