import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackModelServer, type LoopbackModelServer } from '../support/loopback-model/loopback-model-server.js';
import type { ModelScript } from '../support/loopback-model/model-exchange.js';
import { addFilePatch, callMcpTool, resolveIntent, runShell, writeFile } from '../support/loopback-model/tool-intents.js';
import { hang, say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { until } from '../support/until.js';

let server: LoopbackModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(script: ModelScript): Promise<LoopbackModelServer> {
  server = await startLoopbackModelServer({ script });
  return server;
}

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
};
/** The `data:` payloads of an event stream, parsed (`[DONE]` kept as a string). */
const events = (text: string): unknown[] =>
  text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => (l === 'data: [DONE]' ? '[DONE]' : JSON.parse(l.slice(6)) as unknown));

describe('the loopback model server', () => {
  it('streams an Anthropic tool call the way the Messages API does, then the answer once the result is back', async () => {
    const s = await start(scriptTurns([when('GO', writeFile('/w/a.txt', 'hi\n'), say('done'))]));
    const tools = [{ name: 'Write', input_schema: {} }, { name: 'Bash', input_schema: {} }];
    const first = await post(`${s.url}/v1/messages?beta=true`, { model: 'm', stream: true, tools, messages: [{ role: 'user', content: [{ type: 'text', text: 'GO now' }] }] });
    const use = events(first.text).find((e) => (e as { content_block?: { type: string } }).content_block?.type === 'tool_use') as { content_block: { id: string; name: string } };
    expect(use.content_block.name).toBe('Write');
    expect(events(first.text)).toContainEqual(expect.objectContaining({ type: 'content_block_delta', delta: { type: 'input_json_delta', partial_json: JSON.stringify({ file_path: '/w/a.txt', content: 'hi\n' }) } }));
    expect(events(first.text)).toContainEqual(expect.objectContaining({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null } }));

    const second = await post(`${s.url}/v1/messages`, {
      model: 'm', stream: false, tools,
      messages: [
        { role: 'user', content: 'GO now' },
        { role: 'assistant', content: [{ type: 'tool_use', id: use.content_block.id, name: 'Write', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.content_block.id, content: 'written' }] },
      ],
    });
    expect(JSON.parse(second.text)).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'done' }], stop_reason: 'end_turn' });
    expect(s.turns().map((t) => t.items.at(-1)?.kind)).toEqual(['text', 'tool_result']);
  });

  it('calls Codex tools as Codex declares them: apply_patch free-form, MCP tools inside their namespace', async () => {
    const s = await start(scriptTurns([when('GO', [writeFile('/w/a.txt', 'one\ntwo\n'), callMcpTool('echo', 'Echo', { text: 'x' })])]));
    const reply = await post(`${s.url}/v1/responses`, {
      model: 'gpt', stream: true,
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'GO' }] }],
      tools: [{ type: 'custom', name: 'apply_patch' }, { type: 'namespace', name: 'mcp__echo', tools: [{ type: 'function', name: 'Echo', parameters: {} }] }],
    });
    const done = events(reply.text).filter((e) => (e as { type: string }).type === 'response.output_item.done').map((e) => (e as { item: unknown }).item);
    expect(done).toEqual([
      expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: addFilePatch('/w/a.txt', 'one\ntwo\n') }),
      expect.objectContaining({ type: 'function_call', name: 'Echo', namespace: 'mcp__echo', arguments: '{"text":"x"}' }),
    ]);
    expect(events(reply.text).at(-1)).toMatchObject({ type: 'response.completed', response: { status: 'completed' } });
  });

  it('searches for an MCP tool Codex deferred behind tool_search, then calls it once the search result offers it', async () => {
    const s = await start(scriptTurns([when('GO', callMcpTool('pods', 'ListPods', {}))]));
    const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'GO' }] };
    const tools = [{ type: 'function', name: 'exec_command', parameters: {} }, { type: 'tool_search', parameters: {} }];
    const first = await post(`${s.url}/v1/responses`, { model: 'gpt', stream: true, input: [user], tools });
    const search = events(first.text).filter((e) => (e as { type: string }).type === 'response.output_item.done').map((e) => (e as { item: { call_id: string } }).item);
    expect(search).toEqual([expect.objectContaining({ type: 'tool_search_call', execution: 'client', arguments: { query: 'pods ListPods', limit: 20 } })]);

    const loaded = { type: 'tool_search_output', call_id: search[0]!.call_id, tools: [{ type: 'namespace', name: 'mcp__pods', tools: [{ type: 'function', name: 'ListPods', parameters: {} }] }] };
    const second = await post(`${s.url}/v1/responses`, { model: 'gpt', stream: true, input: [user, { ...search[0], type: 'tool_search_call' }, loaded], tools });
    const call = events(second.text).filter((e) => (e as { type: string }).type === 'response.output_item.done').map((e) => (e as { item: unknown }).item);
    expect(call).toEqual([expect.objectContaining({ type: 'function_call', name: 'ListPods', namespace: 'mcp__pods', arguments: '{}' })]);
  });

  it('speaks the Gemini API: a streamed function call, then the answer once the function response is back; countTokens answered', async () => {
    const s = await start(scriptTurns([when('GO', callMcpTool('pods', 'ListPods', {}), say('done'))]));
    const tools = [{ functionDeclarations: [{ name: 'read_file', parametersJsonSchema: {} }, { name: 'mcp_pods_ListPods', parametersJsonSchema: {} }] }];
    const user = { role: 'user', parts: [{ text: 'GO' }] };
    const first = await post(`${s.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, { contents: [user], tools });
    const chunks = events(first.text) as { candidates: { content: { parts: { functionCall?: { id: string; name: string; args: unknown } }[] }; finishReason?: string }[] }[];
    const call = chunks.at(-1)!.candidates[0]!;
    expect(call).toMatchObject({ finishReason: 'STOP', content: { parts: [{ functionCall: { name: 'mcp_pods_ListPods', args: {} } }] } });

    const functionCall = call.content.parts[0]!.functionCall!;
    const second = await post(`${s.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      contents: [user, { role: 'model', parts: [{ functionCall }] }, { role: 'user', parts: [{ functionResponse: { id: functionCall.id, name: functionCall.name, response: { output: '2 visible pod(s)' } } }] }],
      tools,
    });
    expect(JSON.parse(second.text)).toMatchObject({ candidates: [{ content: { role: 'model', parts: [{ text: 'done' }] }, finishReason: 'STOP' }] });
    expect(s.turns().at(-1)?.items.at(-1)).toEqual({ kind: 'tool_result', callId: functionCall.id, output: '2 visible pod(s)', isError: false });
    expect(JSON.parse((await post(`${s.url}/v1beta/models/gemini-2.5-flash:countTokens`, {})).text)).toEqual({ totalTokens: 10 });
  });

  it('answers Chat Completions with tool call deltas and ends with [DONE]', async () => {
    const s = await start(scriptTurns([when('GO', runShell('ls'))]));
    const reply = await post(`${s.url}/v1/chat/completions`, {
      model: 'm', stream: true, messages: [{ role: 'user', content: 'GO' }],
      tools: [{ type: 'function', function: { name: 'bash', parameters: {} } }, { type: 'function', function: { name: 'echo_Echo', parameters: {} } }],
    });
    const chunks = events(reply.text);
    expect(chunks).toContainEqual(expect.objectContaining({ choices: [expect.objectContaining({ delta: { tool_calls: [expect.objectContaining({ index: 0, function: { name: 'bash', arguments: JSON.stringify({ command: 'ls', description: 'Runs the command the test asked for' }) } })] } })] }));
    expect(chunks).toContainEqual(expect.objectContaining({ choices: [expect.objectContaining({ finish_reason: 'tool_calls' })] }));
    expect(chunks.at(-1)).toBe('[DONE]');
  });

  it('answers a request that offers no tools as housekeeping, without spending a step of the script', async () => {
    const s = await start(scriptTurns([when('GO', say('the real answer'))]));
    const title = await post(`${s.url}/v1/chat/completions`, { model: 'm', stream: false, messages: [{ role: 'system', content: 'You are a title generator' }, { role: 'user', content: 'GO' }] });
    expect(JSON.parse(title.text).choices[0].message.content).toBe('Scripted session');
    expect(s.turns()).toEqual([]);
  });

  it('keeps a hanging stream open until the client lets go of it', async () => {
    const s = await start(scriptTurns([when('GO', hang('partial'))]));
    const aborting = new AbortController();
    const response = await fetch(`${s.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, tools: [{ name: 'Bash' }], messages: [{ role: 'user', content: 'GO' }] }), signal: aborting.signal });
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('partial');
    expect(s.openStreams()).toBe(1);
    aborting.abort();
    await until(async () => (s.openStreams() === 0 ? true : undefined), 5_000, 'the server saw the client go');
  });

  it('streams a paced answer one piece at a time', async () => {
    const s = await start(scriptTurns([when('GO', say('one two three', { chunks: 3, paceMs: 20 }))]));
    const startedAt = Date.now();
    const response = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, tools: [{ type: 'function', function: { name: 'bash' } }], messages: [{ role: 'user', content: 'GO' }] }) });
    const reader = response.body!.getReader();
    const reads: string[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) reads.push(new TextDecoder().decode(read.value));
    const deltas = events(reads.join('')).flatMap((e) => (e as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? []).filter(Boolean);
    expect(deltas).toEqual(['one t', 'wo th', 'ree']);
    // Seven events (role, three pieces, finish, usage, [DONE]) with at least 20 ms between each two.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(6 * 20);
  });

  it('answers Claude Code\'s start-up probes and refuses anything else with a recorded 404', async () => {
    const s = await start(() => say('x'));
    expect((await fetch(`${s.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect(JSON.parse((await post(`${s.url}/v1/messages/count_tokens`, {})).text)).toEqual({ input_tokens: 10 });
    expect((await fetch(`${s.url}/v1/models`)).status).toBe(404);
    expect(s.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['HEAD / 200', 'POST /v1/messages/count_tokens 200', 'GET /v1/models 404']);
  });
});

describe('agent-neutral intents', () => {
  it('pick each agent\'s own tool and input shape from the tools it offered', () => {
    const offered = (...names: string[]) => ({ tools: names.map((name) => ({ name, form: 'function' as const })) });
    expect(resolveIntent(writeFile('/w/f', 'c'), offered('Bash', 'Write'))).toEqual({ name: 'Write', input: { file_path: '/w/f', content: 'c' } });
    expect(resolveIntent(writeFile('/w/f', 'c'), offered('bash', 'write'))).toEqual({ name: 'write', input: { filePath: '/w/f', content: 'c' } });
    expect(resolveIntent(runShell('ls'), offered('exec_command'))).toEqual({ name: 'exec_command', input: { cmd: 'ls' } });
    expect(resolveIntent(callMcpTool('pods', 'SendToPeerPod', { to: 'b' }), offered('mcp__pods__SendToPeerPod'))).toEqual({ name: 'mcp__pods__SendToPeerPod', input: { to: 'b' } });
    expect(resolveIntent(callMcpTool('pods', 'SendToPeerPod', { to: 'b' }), offered('pods_SendToPeerPod'))).toEqual({ name: 'pods_SendToPeerPod', input: { to: 'b' } });
    expect(resolveIntent(callMcpTool('pods', 'SendToPeerPod', { to: 'b' }), offered('read_file', 'mcp_pods_SendToPeerPod'))).toEqual({ name: 'mcp_pods_SendToPeerPod', input: { to: 'b' } });
    expect(() => resolveIntent(runShell('ls'), offered('Write'))).toThrow(/offered: Write/);
  });
});
