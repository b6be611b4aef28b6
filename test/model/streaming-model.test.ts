import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelReply, ModelRequest, ModelStreamEvent } from '../../src/application/ports/model.js';
import type { ToolSpec } from '../../src/application/tools/pod-tools.js';
import { OpenAiCompatibleModel } from '../../src/adapters/model/openai-compatible-model.js';
import { history, operator, pod } from './entries.js';
import { completion, FakeChatServer, raw, type Received } from './fake-chat-server.js';
import { eventually } from '../support/until.js';

const listPods: ToolSpec = { name: 'ListPods', description: 'List.', inputSchema: { type: 'object', properties: {}, additionalProperties: false } };
const errorOf = (reply: ModelReply): string => (reply.ok ? `unexpected ok reply: ${JSON.stringify(reply)}` : reply.error);

let server: FakeChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Polls until `check` holds, within a deadline (never a fixed sleep). */

const sse = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
const chunk = (delta: unknown, finish?: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }] })}\n\n`;

/** Streams `frames` one write at a time, each after the previous one is out, with a pause between. */
function streaming(frames: readonly (string | Buffer)[], pauseMs = 5) {
  return (response: ServerResponse, _received: Received) => {
    sse(response);
    let i = 0;
    const next = () => {
      if (i === frames.length) return void response.end();
      response.write(frames[i++]);
      setTimeout(next, pauseMs);
    };
    next();
  };
}

async function ask(answer: Parameters<typeof FakeChatServer.start>[0], options: { timeoutMs?: number } = {}) {
  server = await FakeChatServer.start(answer);
  const model = new OpenAiCompatibleModel({ url: server.baseUrl, model: 'm', ...options });
  const events: ModelStreamEvent[] = [];
  const request: ModelRequest = { pod, history: history(operator('hi')), tools: [listPods], onStream: (event) => events.push(event) };
  return { model, events, request, fake: server, reply: () => model.complete(request) };
}

describe('OpenAiCompatibleModel streaming (server-sent events on a real loopback server)', () => {
  it('asks for a stream, reports text as it arrives across split frames, and replies with the whole text', async () => {
    const whole = `: keep-alive\n\n${chunk({ role: 'assistant', content: '' })}${chunk({ content: 'Hel' })}\r\n${chunk({ content: 'lo, ' }).replace('\n\n', '\r\n\r\n')}${chunk({ reasoning_content: 'never shown' })}${chunk({ content: 'opérateur ✓.' }, 'stop')}data: [DONE]\n\n`;
    // Cut the stream into 7-byte writes: events, JSON and UTF-8 characters split anywhere.
    const bytes = Buffer.from(whole, 'utf8');
    const frames = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const s = await ask(streaming(frames, 1));
    expect(await s.reply()).toEqual({ ok: true, text: 'Hello, opérateur ✓.', toolCalls: [] });
    expect(s.events.map((e) => (e.type === 'text' ? e.delta : e.type)).join('')).toBe('Hello, opérateur ✓.');
    expect(JSON.parse(s.fake.received[0]?.body ?? '{}')).toMatchObject({ model: 'm', stream: true });
    expect(s.fake.received[0]?.headers['accept']).toBe('text/event-stream, application/json');
  });

  it('reports text before the reply is whole: the first delta is seen while the server still holds the rest', async () => {
    let release: () => void = () => undefined;
    const s = await ask((response) => {
      sse(response);
      response.write(chunk({ content: 'first words' }));
      release = () => response.end(`${chunk({ content: ', then the rest' }, 'stop')}data: [DONE]\n\n`);
    });
    const pending = s.reply();
    await eventually('the first delta', () => s.events.length === 1);
    expect(s.events).toEqual([{ type: 'text', delta: 'first words' }]);
    release();
    expect(await pending).toEqual({ ok: true, text: 'first words, then the rest', toolCalls: [] });
  });

  it('assembles tool calls from deltas (id and name first, arguments in pieces) and tells each call once', async () => {
    const s = await ask(streaming([
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'ListPods', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"wait' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '_ms": 5}' } }, { index: 1, function: { name: 'List' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { name: 'Pods', arguments: '{}' } }] }, 'tool_calls'),
      // no [DONE]: the stream just ends
    ]));
    expect(await s.reply()).toEqual({
      ok: true,
      text: '',
      toolCalls: [{ callId: 'call_a', tool: 'ListPods', input: { wait_ms: 5 } }, { callId: 'c00002010', tool: 'ListPods', input: {} }],
    });
    expect(s.events).toEqual([{ type: 'tool_call', index: 0, tool: 'ListPods' }, { type: 'tool_call', index: 1, tool: 'List' }]);
  });

  it('fails the reply on an error object mid-stream, and on a stream that goes silent', async () => {
    const broken = await ask(streaming([chunk({ content: 'partial' }), `data: ${JSON.stringify({ error: { message: 'model crashed' } })}\n\n`]));
    expect(errorOf(await broken.reply())).toBe('the model server reported an error mid-stream: model crashed');
    await server?.close();
    const silent = await ask((response) => {
      sse(response);
      response.write(chunk({ content: 'and then nothing' }));
    }, { timeoutMs: 150 });
    expect(errorOf(await silent.reply())).toBe(`the stream from ${silent.fake.baseUrl}/chat/completions went silent for 150 ms`);
  });

  it('reads a server that ignores stream: true and answers with JSON, as JSON', async () => {
    const s = await ask(completion({ role: 'assistant', content: 'no stream here' }));
    expect(await s.reply()).toEqual({ ok: true, text: 'no stream here', toolCalls: [] });
  });

  it('falls back once and for good when the server refuses streaming, and says so in one note', async () => {
    const s = await ask((response, received) => {
      if ((JSON.parse(received.body) as { stream?: boolean }).stream) raw(400, 'streaming is not supported by this server')(response, received);
      else completion({ role: 'assistant', content: 'whole' })(response, received);
    });
    expect(await s.reply()).toEqual({ ok: true, text: 'whole', toolCalls: [] });
    expect(await s.reply()).toEqual({ ok: true, text: 'whole', toolCalls: [] });
    expect(s.fake.received.map((r) => (JSON.parse(r.body) as { stream?: boolean }).stream ?? false)).toEqual([true, false, false]);
    expect(s.events).toEqual([{ type: 'note', text: `${s.fake.baseUrl}/chat/completions does not stream (HTTP 400); whole replies from now on` }]);
  });
});
