import { afterEach, describe, expect, it } from 'vitest';
import type { ModelReply, ModelRequest } from '../../src/application/ports/model.js';
import type { ToolSpec } from '../../src/application/tools/pod-tools.js';
import { chatCompletionsUrl, OpenAiCompatibleModel, retryAfterMs } from '../../src/adapters/model/openai-compatible-model.js';
import type { HistoryEntryBody } from '../../src/domain/history-entry.js';
import { call, history, operator, peer, pod, result, said } from './entries.js';
import { completion, FakeChatServer, json, raw } from './fake-chat-server.js';
import { generatedCallId } from '../../src/adapters/model/parse-chat-completion.js';

const listPods: ToolSpec = {
  name: 'ListPods',
  description: 'List the Pods you can see.',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
};
const request = (...bodies: HistoryEntryBody[]): ModelRequest => ({ pod, history: history(...bodies), tools: [listPods] });
const QUICK_RETRY = { attempts: 3, baseMs: 5, capMs: 1_000 };
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

  it('reports an HTTP error with its status and a one-line body excerpt, after the bounded retries for a 5xx', async () => {
    const fake = await serve(raw(500, 'upstream\nexploded'));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm', retry: QUICK_RETRY }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe(`HTTP 500 from ${fake.baseUrl}/chat/completions after 3 attempts: upstream exploded`);
    expect(fake.received).toHaveLength(3);
  });

  it('does not retry a request the server refuses for good (4xx other than 429)', async () => {
    const fake = await serve(raw(400, 'unknown model'));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm', retry: QUICK_RETRY }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe(`HTTP 400 from ${fake.baseUrl}/chat/completions: unknown model`);
    expect(fake.received).toHaveLength(1);
  });

  it('waits as long as Retry-After says on a 429, then succeeds; the same request is sent again', async () => {
    let calls = 0;
    const fake = await serve((response, received) => {
      calls += 1;
      if (calls === 1) response.writeHead(429, { 'retry-after': '0', 'content-type': 'text/plain' }).end('slow down');
      else completion({ role: 'assistant', content: 'finally' })(response, received);
    });
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm', retry: QUICK_RETRY }).complete(request(operator('hi')));
    expect(reply).toEqual({ ok: true, text: 'finally', toolCalls: [] });
    expect(fake.received.map((r) => r.body)).toEqual([fake.received[0]?.body, fake.received[0]?.body]);
  });

  it('answers at once when Retry-After asks for longer than it would wait, and stops a backoff on cancel', async () => {
    const fake = await serve((response) => response.writeHead(503, { 'retry-after': '120' }).end('maintenance'));
    const reply = await new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm', retry: QUICK_RETRY }).complete(request(operator('hi')));
    expect(errorOf(reply)).toBe(`HTTP 503 from ${fake.baseUrl}/chat/completions, which asks to retry after 120 s: maintenance`);
    expect(fake.received).toHaveLength(1);

    const controller = new AbortController();
    const patient = new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm', retry: { attempts: 3, baseMs: 60_000, capMs: 600_000 } });
    const pending = patient.complete({ ...request(operator('hi')), signal: controller.signal });
    while (fake.received.length < 2) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect(errorOf(await pending)).toBe('model request cancelled');
  });

  it('reads Retry-After in seconds or as an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Tue, 01 Dec 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
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
        { callId: 'c00004000', tool: 'ListPods', input: {} },
        { callId: 'c00004010', tool: 'ListPods', input: { all: true } },
        { callId: 'fresh', tool: 'ListPods', input: {} },
      ],
    });
  });
});

describe('OpenAiCompatibleModel, as real servers answer', () => {
  const ask = async (message: unknown, finishReason?: string) => {
    const fake = await serve(json(200, { choices: [{ index: 0, message, ...(finishReason === undefined ? {} : { finish_reason: finishReason }) }] }));
    return new OpenAiCompatibleModel({ url: fake.baseUrl, model: 'm' }).complete(request(operator('hi')));
  };

  it('reads content as an array of parts (text parts only) and never commits reasoning as text', async () => {
    expect(await ask({
      role: 'assistant',
      content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'Hello, ' }, { type: 'text', text: 'operator.' }],
      reasoning_content: 'first I will think',
      reasoning: 'and more',
    })).toEqual({ ok: true, text: 'Hello, operator.', toolCalls: [] });
    expect(errorOf(await ask({ role: 'assistant', content: 42 }))).toBe('malformed model reply: choices[0].message.content is neither a string, null nor an array of parts');
  });

  it('reads arguments sent as an object, as a JSON string, and as a JSON string encoded twice', async () => {
    const reply = await ask({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'a1', type: 'function', function: { name: 'ListPods', arguments: { wait_ms: 1 } } },
        { id: 'a2', type: 'function', function: { name: 'ListPods', arguments: '{"wait_ms":2}' } },
        { id: 'a3', type: 'function', function: { name: 'ListPods', arguments: JSON.stringify('{"wait_ms":3}') } },
      ],
    }, 'tool_calls');
    expect(reply).toEqual({ ok: true, text: '', toolCalls: [1, 2, 3].map((n) => ({ callId: `a${n}`, tool: 'ListPods', input: { wait_ms: n } })) });
  });

  it('reads the legacy function_call, and tool calls whatever finish_reason says (stop, eos, absent)', async () => {
    expect(await ask({ role: 'assistant', content: null, function_call: { name: 'ListPods', arguments: '{}' } }, 'function_call')).toEqual({
      ok: true, text: '', toolCalls: [{ callId: 'c00002000', tool: 'ListPods', input: {} }],
    });
    for (const finish of ['stop', 'eos', undefined]) {
      const reply = await ask({ role: 'assistant', content: 'calling', tool_calls: [{ id: 'x1', type: 'function', function: { name: 'ListPods', arguments: '{}' } }] }, finish);
      expect(reply, String(finish)).toEqual({ ok: true, text: 'calling', toolCalls: [{ callId: 'x1', tool: 'ListPods', input: {} }] });
      await server?.close();
      server = undefined;
    }
  });

  it('says a reply was cut off at the output limit when its arguments end early (finish_reason length)', async () => {
    const reply = await ask({ role: 'assistant', content: null, tool_calls: [{ id: 'x1', type: 'function', function: { name: 'ListPods', arguments: '{"wait_' } }] }, 'length');
    expect(errorOf(reply)).toMatch(/^malformed model reply: tool_calls\[0\] \(ListPods\) arguments are not valid JSON \(.+\): \{"wait_ \(the reply was cut off at the model's output limit: finish_reason "length"\)$/);
  });

  it('generates call ids of 9 letters and digits, unique in the history, for calls without one', async () => {
    const ids = new Set<string>();
    for (let index = 0; index < 40; index++) ids.add(generatedCallId(7, index, ids));
    expect(ids.size).toBe(40);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    const taken = new Set(['c00007000']);
    expect(generatedCallId(7, 0, taken)).toBe('c00007001');
    expect(generatedCallId(123_456_789, 3, new Set())).toMatch(/^[a-zA-Z0-9]{9}$/);
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
