#!/usr/bin/env node
// A real ACP agent process for pods' tests, on the same SDK the real agents use. What it does
// is scripted by the prompt: each line starting with `#` is one step, in order:
//   #say TEXT             stream TEXT as two agent_message_chunk updates
//   #sayenv NAME…         say NAME=value for each variable of its environment
//   #fswrite PATH TEXT    write through the client's fs/write_text_file; says whether it was refused
//   #fsread PATH          read through the client's fs/read_text_file
//   #try CMD              run CMD with sh -c without asking, and say how it went (what a shell tool does unasked)
//   #write PATH TEXT      a tool call (kind edit) on PATH: asks permission; if allowed, writes TEXT there
//   #latewrite PATH TEXT  the same, announced first as Claude Code does: title `Write`, input {}, no location
//   #shell CMD            a tool call (kind execute): asks permission; if allowed, runs CMD with sh -c
//   #mcp TOOL JSON        calls TOOL on the session's stdio MCP server (pods' channel), reported as a tool call
//   #codexmcp TOOL JSON   the same as Codex reports it: `Tool: pods/TOOL` with no kind, permission asked as "Approve MCP tool call"
//   #flood N              N text chunks of 1 KiB each
//   #tools N [MS]         N tool calls that start and complete; with MS, MS apart and each update's sending time recorded
//   #hang                 waits until cancelled (then ends `cancelled`)
//   #deaf                 waits for ever, ignoring session/cancel
//   #crash                exits with code 3 at once
//   #stop REASON          ends the turn with that stop reason
// A prompt with no step is answered `ok: <its first line>`. Sessions are kept as files under
// $HOME/sessions, so `session/load` works after a restart (unless SCRIPTED_AGENT_NO_LOAD=1).
// SCRIPTED_AGENT_INIT=hang never answers initialize. SCRIPTED_AGENT_STALE_AFTER_CANCEL=1 answers the
// prompt after a cancelled one with nothing, at once, as claude-agent-acp 0.23.1 does (until restarted). Every request is appended to
// $HOME/requests.jsonl and the environment it started with to $HOME/env.json, for assertions.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import * as acp from '@agentclientprotocol/sdk/unstable';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const home = process.env.HOME ?? '/tmp';
const sessionsDir = join(home, 'sessions');
mkdirSync(sessionsDir, { recursive: true });
writeFileSync(join(home, 'env.json'), JSON.stringify({ env: process.env, cwd: process.cwd(), pid: process.pid, pgid: process.pid }));
// `at`: wall-clock ms with sub-ms precision, comparable with the host's (benchmarks of pods' latency).
const record = (method, params) => appendFileSync(join(home, 'requests.jsonl'), `${JSON.stringify({ method, params, at: performance.timeOrigin + performance.now() })}\n`);

const STEPS = new Set(['say', 'sayenv', 'fswrite', 'fsread', 'try', 'write', 'latewrite', 'shell', 'mcp', 'codexmcp', 'flood', 'tools', 'hang', 'deaf', 'crash', 'stop']);
/** id → { cwd, mcpServers, transcript: [{ role, text }] } */
const sessions = new Map();
const cancelled = new Set();
const staleAfterCancel = new Set();
const mcpClients = new Map();

const save = (id) => writeFileSync(join(sessionsDir, `${id}.json`), JSON.stringify(sessions.get(id)));

async function mcpClient(sessionId) {
  let client = mcpClients.get(sessionId);
  if (client) return client;
  const server = sessions.get(sessionId).mcpServers[0];
  if (!server) throw new Error('no MCP server in this session');
  const env = Object.fromEntries(server.env.map(({ name, value }) => [name, value]));
  client = new Client({ name: 'scripted-agent', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: server.command, args: server.args, env: { ...process.env, ...env }, stderr: 'inherit' }));
  mcpClients.set(sessionId, client);
  return client;
}

const waitUntil = (predicate) => new Promise((resolve) => {
  const timer = setInterval(() => {
    if (predicate()) {
      clearInterval(timer);
      resolve();
    }
  }, 10);
});

/**
 * `late`: announce the call first as Claude Code does, with its bare tool name and an empty input, and only then what it does.
 * `askAs`: ask permission under this title instead of the call's own, with no kind, as Codex asks for MCP tools.
 */
async function toolCall(ctx, sessionId, { kind, title, locations, rawInput, late, askAs }, body) {
  const toolCallId = `call_${randomUUID().slice(0, 8)}`;
  const update = (fields) => ctx.client.notify('session/update', { sessionId, update: { toolCallId, ...fields } });
  if (late) {
    await update({ sessionUpdate: 'tool_call', title: late, kind, status: 'pending', locations: [], rawInput: {} });
    await update({ sessionUpdate: 'tool_call_update', title, kind, locations: locations.map((path) => ({ path })), rawInput });
  } else {
    await update({ sessionUpdate: 'tool_call', title, kind, status: 'pending', locations: locations.map((path) => ({ path })), rawInput });
  }
  const answer = await ctx.client.request('session/request_permission', {
    sessionId,
    toolCall: askAs ? { toolCallId, title: askAs, status: 'pending', rawInput } : { toolCallId, title, kind, locations: locations.map((path) => ({ path })), rawInput },
    options: [
      { optionId: 'yes', name: 'Allow', kind: 'allow_once' },
      { optionId: 'no', name: 'Reject', kind: 'reject_once' },
    ],
  });
  const allowed = answer.outcome.outcome === 'selected' && answer.outcome.optionId === 'yes';
  if (!allowed) {
    await update({ sessionUpdate: 'tool_call_update', status: 'failed', content: [{ type: 'content', content: { type: 'text', text: 'permission denied' } }] });
    return `denied: ${title}`;
  }
  await update({ sessionUpdate: 'tool_call_update', status: 'in_progress' });
  try {
    const output = await body();
    await update({ sessionUpdate: 'tool_call_update', status: 'completed', content: [{ type: 'content', content: { type: 'text', text: output } }] });
    return `done: ${title}`;
  } catch (error) {
    await update({ sessionUpdate: 'tool_call_update', status: 'failed', content: [{ type: 'content', content: { type: 'text', text: String(error.message ?? error) } }] });
    return `failed: ${title}: ${error.message ?? error}`;
  }
}

async function runStep(ctx, sessionId, line) {
  const say = async (text) => {
    const half = Math.ceil(text.length / 2);
    for (const part of [text.slice(0, half), text.slice(half)]) {
      if (part) await ctx.client.notify('session/update', { sessionId, update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: part } } });
    }
  };
  const [verb, ...rest] = line.slice(1).split(' ');
  const arg = rest.join(' ');
  switch (verb) {
    case 'say':
      await say(arg);
      return arg;
    case 'fswrite': {
      const [path, ...words] = rest;
      try {
        await ctx.client.request('fs/write_text_file', { sessionId, path, content: words.join(' ') });
        await say(`fswrite ok ${path}\n`);
      } catch (error) {
        await say(`fswrite refused ${path}: ${error.data ?? error.message}\n`);
      }
      return 'fswrite';
    }
    case 'fsread': {
      try {
        const read = await ctx.client.request('fs/read_text_file', { sessionId, path: arg });
        await say(`fsread ok ${arg}: ${read.content}\n`);
      } catch (error) {
        await say(`fsread refused ${arg}: ${error.data ?? error.message}\n`);
      }
      return 'fsread';
    }
    case 'try': {
      // A shell command whose failure is its answer, not a failed tool call: `#try CMD` says what happened.
      try {
        const out = execFileSync('/bin/sh', ['-c', arg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        await say(`try ok: ${out.trim()}\n`);
      } catch (error) {
        await say(`try failed: ${String(error.stderr ?? error.message).trim().split('\n')[0]}\n`);
      }
      return 'try';
    }
    case 'sayenv':
      await say(rest.map((name) => `${name}=${process.env[name] ?? ''}`).join(' '));
      return 'said';
    case 'write':
    case 'latewrite': {
      const [path, ...words] = rest;
      const late = verb === 'latewrite' ? 'Write' : undefined;
      return toolCall(ctx, sessionId, { kind: 'edit', title: `Write ${path}`, locations: [path], rawInput: { path, content: words.join(' ') }, late }, async () => {
        writeFileSync(path, words.join(' '));
        return `wrote ${path}`;
      });
    }
    case 'shell':
      return toolCall(ctx, sessionId, { kind: 'execute', title: `Run ${arg}`, locations: [], rawInput: { command: arg } }, async () =>
        execFileSync('/bin/sh', ['-c', arg], { encoding: 'utf8' }));
    case 'mcp':
    case 'codexmcp': {
      const [tool, ...json] = rest;
      const call = verb === 'mcp'
        ? { kind: 'other', title: `mcp__pods__${tool}`, locations: [], rawInput: JSON.parse(json.join(' ') || '{}') }
        : { title: `Tool: pods/${tool}`, locations: [], rawInput: { server: 'pods', tool, arguments: JSON.parse(json.join(' ') || '{}') }, askAs: 'Approve MCP tool call' };
      return toolCall(ctx, sessionId, call, async () => {
        const client = await mcpClient(sessionId);
        const result = await client.callTool({ name: tool, arguments: JSON.parse(json.join(' ') || '{}') });
        const text = result.content.map((c) => c.text ?? '').join('\n');
        if (result.isError) throw new Error(text);
        return text;
      });
    }
    case 'flood':
      for (let i = 0; i < Number(arg); i++) await say('x'.repeat(1024));
      return 'flooded';
    case 'tools': {
      // `#tools N MS`: MS apart, each update's sending time recorded (as `sent`), for timing what pods does with it.
      const [count, pace] = rest.map(Number);
      const send = async (update) => {
        if (pace !== undefined) record('sent', { toolCallId: update.toolCallId, sessionUpdate: update.sessionUpdate });
        await ctx.client.notify('session/update', { sessionId, update });
      };
      for (let i = 0; i < count; i++) {
        const toolCallId = `t${i}`;
        await send({ sessionUpdate: 'tool_call', toolCallId, title: `think ${i}`, kind: 'think', status: 'in_progress' });
        if (pace !== undefined) await new Promise((resolve) => setTimeout(resolve, pace));
        await send({ sessionUpdate: 'tool_call_update', toolCallId, status: 'completed' });
        if (pace !== undefined) await new Promise((resolve) => setTimeout(resolve, pace));
      }
      return 'tools';
    }
    case 'hang':
      await say('working');
      await waitUntil(() => cancelled.has(sessionId));
      throw Object.assign(new Error('cancelled'), { stop: 'cancelled' });
    case 'deaf':
      await say('not listening');
      await new Promise(() => undefined);
      return '';
    case 'crash':
      await say('about to crash');
      process.exit(3);
      return '';
    case 'stop':
      throw Object.assign(new Error('stop'), { stop: arg });
    default:
      throw new Error(`unknown step ${verb}`);
  }
}

const app = acp
  .agent({ name: 'scripted-agent' })
  .onRequest('initialize', async ({ params }) => {
    record('initialize', params);
    if (process.env.SCRIPTED_AGENT_INIT === 'hang') await new Promise(() => undefined);
    return {
      protocolVersion: acp.PROTOCOL_VERSION,
      agentCapabilities: { loadSession: process.env.SCRIPTED_AGENT_NO_LOAD !== '1' },
      agentInfo: { name: 'scripted-agent', version: '1.0.0' },
    };
  })
  .onRequest('session/new', async ({ params }) => {
    record('session/new', params);
    const id = `sess_${randomUUID()}`;
    sessions.set(id, { cwd: params.cwd, mcpServers: params.mcpServers, transcript: [] });
    save(id);
    return { sessionId: id };
  })
  .onRequest('session/load', async ({ params, client }) => {
    record('session/load', params);
    const file = join(sessionsDir, `${params.sessionId}.json`);
    if (!existsSync(file)) throw acp.RequestError.resourceNotFound(params.sessionId);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    sessions.set(params.sessionId, { ...stored, cwd: params.cwd, mcpServers: params.mcpServers });
    for (const { role, text } of stored.transcript) {
      await client.notify('session/update', {
        sessionId: params.sessionId,
        update: { sessionUpdate: role === 'user' ? 'user_message_chunk' : 'agent_message_chunk', content: { type: 'text', text } },
      });
    }
    return {};
  })
  .onNotification('session/cancel', ({ params }) => {
    record('session/cancel', params);
    cancelled.add(params.sessionId);
  })
  .onRequest('session/prompt', async (ctx) => {
    const { params } = ctx;
    record('session/prompt', params);
    const { sessionId } = params;
    const session = sessions.get(sessionId);
    if (!session) throw acp.RequestError.resourceNotFound(sessionId);
    cancelled.delete(sessionId);
    // As claude-agent-acp 0.23.1 does: the prompt after a cancelled one ends at once, answering nothing.
    if (process.env.SCRIPTED_AGENT_STALE_AFTER_CANCEL === '1' && staleAfterCancel.delete(sessionId)) return { stopReason: 'end_turn' };
    const text = params.prompt.map((b) => (b.type === 'text' ? b.text : '')).join('');
    session.transcript.push({ role: 'user', text });
    const steps = text.split('\n').filter((l) => STEPS.has(l.slice(1).split(' ')[0]) && l.startsWith('#'));
    const answers = [];
    try {
      if (steps.length === 0) {
        const reply = `ok: ${text.split('\n')[0]}`;
        await runStep(ctx, sessionId, `#say ${reply}`);
        answers.push(reply);
      }
      for (const step of steps) answers.push(await runStep(ctx, sessionId, step));
    } catch (error) {
      if (error.stop) {
        save(sessionId);
        if (error.stop === 'cancelled') staleAfterCancel.add(sessionId);
        return { stopReason: error.stop };
      }
      throw error;
    }
    session.transcript.push({ role: 'agent', text: answers.join('\n') });
    save(sessionId);
    return { stopReason: 'end_turn' };
  });

app.connect(acp.ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
