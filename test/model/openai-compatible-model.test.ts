import { afterEach, describe, expect, it } from 'vitest';
import type { ModelReply, ModelRequest } from '../../src/application/ports/model.js';
import type { ToolSpec } from '../../src/application/tools/pod-tools.js';
import { chatCompletionsUrl, OpenAiCompatibleModel } from '../../src/adapters/model/openai-compatible-model.js';
import type { HistoryEntryBody } from '../../src/domain/history-entry.js';
import { call, history, operator, peer, pod, result, said } from './entries.js';
import { completion, FakeChatServer, json, raw } from './fake-chat-server.js';

const listPods: ToolSpec = {
  name: 'ListPods',
  description: 'List the Pods you can see.',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
};
const request = (...bodies: HistoryEntryBody[]): ModelRequest => ({ pod, history: history(...bodies), tools: [listPods] });
const errorOf = (reply: ModelReply): string => (reply.ok ? `unexpected ok reply: ${JSON.stringify(reply)}` : reply.error);

let server: FakeChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(answer: Parameters<typeof FakeChatServer.start>[0]): Promise<FakeChatServer> {
  server = await FakeChatServer.start(answer);
  return server;
}

describe('OpenAiCompatibleModel', () => {
  it('sends the transcript and tools, and reads back a tool call', async () => {
    const fake = await serve(completion({
      role: 'assistant',
      content: 'Greeting b.',
      tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'SendToPeerPod', arguments: '{"name":"b","message":"hi"}' } }],
    }));
    const model = new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'llama3.1', apiKey: 'sk-test' });
    const reply = await model.complete(request(
      operator('who is there?'),
      said('Checking.'),
      call('c1', 'ListPods', {}),
      result('c1', 'ListPods', '1 pod', [{ name: 'b' }]),
      peer('b', 2, 'hello'),
    ));

    expect(reply).toEqual({ ok: true, text: 'Greeting b.', toolCalls: [{ callId: 'call_abc', tool: 'SendToPeerPod', input: { name: 'b', message: 'hi' } }] });
    expect(fake.received).toHaveLength(1);
    const [received] = fake.received;
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/v1/chat/completions');
    expect(received?.headers['authorization']).toBe('Bearer sk-test');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received?.body ?? '')).toEqual({
      model: 'llama3.1',
      messages: [
        { role: 'user', content: 'who is there?' },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'ListPods', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"summary":"1 pod","content":[{"name":"b"}]}' },
        { role: 'user', content: '[Peer message #2 from `b`]\nhello' },
      ],
      tools: [{ type: 'function', function: { name: 'ListPods', description: 'List the Pods you can see.', parameters: listPods.inputSchema } }],
    });
  });

  it('reads a plain text reply and sends no authorization without a key', async () => {
    const fake = await serve(completion({ role: 'assistant', content: 'Hello!' }));
    const model = new OpenAiCompatibleModel({ url: `${fake.baseUrl}/`, model: 'm' });
    expect(model.label).toBe('openai:m');
    expect(await model.complete(request(operator('hi')))).toEqual({ ok: true, text: 'Hello!', toolCalls: [] });
    expect(fake.received[0]?.path).toBe('/v1/chat/completions');
    expect(fake.received[0]?.headers['authorization']).toBeUndefined();
  });

  it('sends an assistant message with only tool calls with null content, and no tools when there are none', async () => {
    const fake = await serve(completion({ role: 'assistant', content: null, tool_calls: [] }));
    const model = new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' });
    const reply = await model.complete({ ...request(call('c1', 'ListPods', { a: 1 }), result('c1', 'ListPods', 'ok')), tools: [] });
    expect(reply).toEqual({ ok: true, text: '', toolCalls: [] });
    expect(JSON.parse(fake.received[0]?.body ?? '')).toEqual({
      model: 'm',
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'ListPods', arguments: '{"a":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"summary":"ok"}' },
      ],
    });
  });

  it('reports an HTTP error with its status and a one-line body excerpt', async () => {
    const fake = await serve(raw(500, 'upstream\nexploded'));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe(`HTTP 500 from ${fake.baseUrl}/chat/completions: upstream exploded`);
  });

  it('gives up after the timeout when the server never answers', async () => {
    const fake = await serve(() => undefined);
    const started = Date.now();
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm', timeoutMs: 150 }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe(`no reply from ${fake.baseUrl}/chat/completions within 150 ms`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops waiting when the request is cancelled', async () => {
    const fake = await serve(() => undefined);
    const controller = new AbortController();
    const pending = new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete({ ...request(operator('hi')), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(errorOf(await pending)).toBe('model request cancelled');
  });

  it('reports a server that cannot be reached', async () => {
    const fake = await serve(() => undefined);
    const url = fake.baseUrl;
    await fake.close();
    server = undefined;
    const reply = await new OpenAiCompatibleModel({ url, model: 'm' }).complete(request(operator('hi')));
    expect(errorOf(reply)).toMatch(new RegExp(`^POST ${url}/chat/completions failed: fetch failed \\(.*ECONNREFUSED.*\\)$`));
  });

  it('reports a reply that is not JSON', async () => {
    const fake = await serve(raw(200, '<html>\n<body>proxy login</body>\n</html>'));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe(`${fake.baseUrl}/chat/completions replied with a body that is not JSON: <html> <body>proxy login</body> </html>`);
  });

  it('reports a JSON reply without choices', async () => {
    const fake = await serve(json(200, { error: { message: 'model not loaded' } }));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe('malformed model reply: no choices[0].message in {"error":{"message":"model not loaded"}}');
  });

  it('refuses a tool call whose arguments are not JSON instead of guessing its input', async () => {
    const fake = await serve(completion({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'x', type: 'function', function: { name: 'ListPods', arguments: '{"name": ' } }],
    }));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete(request(operator('hi')));
    expect(errorOf(reply)).toMatch(/^malformed model reply: tool_calls\[0\] \(ListPods\) arguments are not valid JSON \(.+\): \{"name":$/);
  });

  it('refuses a tool call without a function name', async () => {
    const fake = await serve(completion({ role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { arguments: '{}' } }] }));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe('malformed model reply: tool_calls[0] has no function name');
  });

  it('accepts empty or object arguments and replaces missing or reused call ids', async () => {
    const fake = await serve(completion({
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'call_0', type: 'function', function: { name: 'ListPods', arguments: '' } },
        { type: 'function', function: { name: 'ListPods', arguments: { all: true } } },
        { id: 'fresh', type: 'function', function: { name: 'ListPods' } },
      ],
    }));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete(
      request(operator('go'), call('call_0', 'ListPods', {}), result('call_0', 'ListPods', 'ok')),
    );
    expect(reply).toEqual({
      ok: true,
      text: '',
      toolCalls: [
        { callId: 'call_4_0', tool: 'ListPods', input: {} },
        { callId: 'call_4_1', tool: 'ListPods', input: { all: true } },
        { callId: 'fresh', tool: 'ListPods', input: {} },
      ],
    });
  });
});

describe('chatCompletionsUrl', () => {
  it.each([
    ['http://127.0.0.1:11434/v1', 'http://127.0.0.1:11434/v1/chat/completions'],
    ['http://127.0.0.1:8000/v1/', 'http://127.0.0.1:8000/v1/chat/completions'],
    ['https://api.example.test/openai/v1', 'https://api.example.test/openai/v1/chat/completions'],
    ['http://127.0.0.1:8080/v1/chat/completions', 'http://127.0.0.1:8080/v1/chat/completions'],
  ])('joins /chat/completions to %s', (base, endpoint) => {
    expect(chatCompletionsUrl(base)).toBe(endpoint);
  });
});
