import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as acp from '@agentclientprotocol/sdk/unstable';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkText, toolCallsOf } from '../support/acp-tool-calls.js';
import { agentProcesses, groupMemory, livingGroupMembers, livingWithHomeUnder, type AgentProcess } from '../support/agent-process.js';
import { echoMcpServer, readEchoLog } from '../support/echo-mcp-server.js';
import { startLoopbackModelServer, type LoopbackModelServer } from '../support/loopback-model/loopback-model-server.js';
import type { ModelRequest } from '../support/loopback-model/model-exchange.js';
import { callMcpTool, runShell, writeFile } from '../support/loopback-model/tool-intents.js';
import { hang, say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { AGENT_TRAITS } from '../support/real-agent-traits.js';
import { agentRecipe, agentRunDir, findAgent, prepareAgent, REAL_AGENTS, type RealAgent } from '../support/real-agents.js';
import { connectRecordingClient, INITIALIZE, type RecordingClient } from '../support/recording-acp-client.js';
import { until } from '../support/until.js';

// Agents start in 0.1–3 s on an idle 2-core machine; other suites run beside these, so every
// bound is generous. A test's own bound covers two agent starts (the load test restarts one).
const START_MS = 60_000;
const TURN_MS = 60_000;
const TEST_MS = 240_000;

/** Where `PODS_AGENT_OBSERVATIONS` asks for it, what each agent sent, for the docs. */
const observed: Record<string, unknown> = {};
const observe = (agent: RealAgent, key: string, value: unknown) => {
  const dir = process.env['PODS_AGENT_OBSERVATIONS'];
  if (!dir) return;
  observed[`${agent}.${key}`] = value;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${agent}.json`), JSON.stringify(Object.fromEntries(Object.entries(observed).filter(([k]) => k.startsWith(`${agent}.`))), null, 2));
};

for (const agent of REAL_AGENTS) {
  const found = findAgent(agent);
  if (!found.ok) {
    // CI installs the agents (.ci/run): there a missing one fails; elsewhere it is skipped with the reason.
    if (process.env['CI']) it(`${agent}: is installed`, () => expect.fail(found.reason));
    else {
      console.warn(`skipping the ${agent} end-to-end tests: ${found.reason}`);
      it.skip(`${agent}: ${found.reason}`, () => undefined);
    }
    continue;
  }

  describe(`${agent} driven over ACP against the loopback model server`, () => {
    let root: string;
    let cwd: string;
    let stateDir: string;
    let echoLog: string;
    let model: LoopbackModelServer;
    const agents = agentProcesses();

    beforeEach(async () => {
      root = agentRunDir(agent);
      cwd = join(root, 'project');
      stateDir = join(root, 'state');
      echoLog = join(root, 'echo.jsonl');
      mkdirSync(cwd);
      model = await startLoopbackModelServer({ script: scriptTurns([]) });
    });

    afterEach(async () => {
      // Every agent process and every MCP server an agent started is gone, whatever the test did.
      await agents.endAll(readEchoLog(echoLog).pids);
      expect(livingWithHomeUnder(root)).toEqual([]);
      await model.close();
      // PODS_KEEP_AGENT_STATE keeps each test's directory (project, agent state, echo log) to look into.
      if (process.env['PODS_KEEP_AGENT_STATE']) console.log(`${agent}: kept ${root}`);
      else rmSync(root, { recursive: true, force: true });
    });

    /** Starts the agent on this test's state dir, connects a recording client and initializes it. */
    async function startAgent(): Promise<{ proc: AgentProcess; client: RecordingClient; init: acp.InitializeResponse; initMs: number }> {
      const proc = agents.spawn(prepareAgent(agentRecipe(agent, stateDir, model.url), stateDir), cwd);
      const client = connectRecordingClient(proc);
      const init = await within(client.connection.agent.request('initialize', INITIALIZE), START_MS, () => `initialize; stderr:\n${proc.stderr()}`);
      return { proc, client, init, initMs: Date.now() - proc.startedAt };
    }

    const session = (): acp.NewSessionRequest => ({ cwd, mcpServers: [echoMcpServer(echoLog)] });

    it('writes a file with its own tool, runs a shell command, calls the client\'s MCP tool and answers, streaming each step', async () => {
      const file = join(cwd, 'hello.txt');
      const shellFile = join(cwd, 'shell.txt');
      model.setScript(scriptTurns([
        when(
          'ACT-NOW',
          writeFile(file, 'hello from the agent\n'),
          runShell(`printf 'from the shell' > ${shellFile}`),
          callMcpTool('echo', 'Echo', { text: 'ping from the agent' }),
          say('All done: wrote, ran and echoed.', { chunks: 3 }),
        ),
      ]));
      const { proc, client, init, initMs } = await startAgent();
      const created = await within(client.connection.agent.request('session/new', session()), START_MS, () => `session/new; stderr:\n${proc.stderr()}`);
      const sessionNewMs = Date.now() - proc.startedAt;
      const from = client.updates.length;
      const promptAt = Date.now();
      const done = await within(
        client.connection.agent.request('session/prompt', { sessionId: created.sessionId, prompt: [{ type: 'text', text: 'ACT-NOW: write hello.txt, echo, then answer.' }] }),
        TURN_MS,
        () => `session/prompt; stderr:\n${proc.stderr()}`,
      );
      const updates = client.updatesOf(created.sessionId, from);
      const firstUpdate = client.updates.slice(from).find((u) => u.notification.sessionId === created.sessionId);
      const calls = toolCallsOf(updates);

      const toolsOffered = model.turns()[0]?.tools.map((t) => t.name) ?? [];
      observe(agent, 'initialize', init);
      observe(agent, 'toolsOffered', toolsOffered);
      observe(agent, 'timing', {
        initializeMs: initMs, sessionNewMs, firstUpdateAfterPromptMs: firstUpdate ? firstUpdate.at - (promptAt - proc.startedAt) : null,
        promptMs: Date.now() - promptAt,
      });
      observe(agent, 'idleMemory', groupMemory(proc.pid));
      // What runs with its HOME in the state directory: the agent's group and the MCP servers it started.
      const echoPids = readEchoLog(echoLog).pids;
      expect(livingWithHomeUnder(root)).toEqual(expect.arrayContaining([...livingGroupMembers(proc.pid), ...echoPids]));
      observe(agent, 'toolCalls', calls);
      observe(agent, 'toolCallSequence', updates.flatMap((u) => (u.sessionUpdate === 'tool_call' || u.sessionUpdate === 'tool_call_update' ? [`${u.sessionUpdate} ${u.toolCallId} ${u.status ?? '-'} ${u.kind ?? '-'} ${u.title ? 'title' : '-'} ${u.locations ? u.locations.length : '-'} ${(u.content ?? []).map((c) => c.type).join('+') || '-'}`] : [])));
      observe(agent, 'updateKinds', updates.map((u) => u.sessionUpdate));
      observe(agent, 'permissions', client.permissions);
      observe(agent, 'toolResults', model.turns().at(-1)?.items.flatMap((i) => (i.kind === 'tool_result' ? [i.output.slice(0, 400)] : [])));
      observe(agent, 'fs', client.fs);
      observe(agent, 'requests', model.requests.map((r) => `${r.method} ${r.path} ${r.status}${r.model?.housekeeping ? ' (housekeeping)' : ''}`));
      observe(agent, 'invalidOrUnknown', client.wire.filter((w) => w.message['method'] === 'session/update').map((w) => (w.message['params'] as { update: { sessionUpdate: string } }).update.sessionUpdate));

      expect(done.stopReason).toBe('end_turn');
      expect(readFileSync(file, 'utf8')).toBe('hello from the agent\n');
      expect(readEchoLog(echoLog).calls).toEqual([{ call: 'Echo', arguments: { text: 'ping from the agent' } }]);
      expect(readFileSync(shellFile, 'utf8')).toBe('from the shell');
      expect(chunkText(updates)).toContain('All done: wrote, ran and echoed.');
      expect(calls.length).toBeGreaterThanOrEqual(3);
      expect(calls.every((c) => c.status === 'completed')).toBe(true);
    }, TEST_MS);

    it('stops a prompt whose stream never ends when the client cancels, and takes the next prompt', async () => {
      model.setScript(scriptTurns([when('HANG-NOW', hang('Thinking about it')), when('AFTER-CANCEL', say('Back again.'))]));
      let { proc, client } = await startAgent();
      const created = await within(client.connection.agent.request('session/new', session()), START_MS, () => `session/new; stderr:\n${proc.stderr()}`);
      const prompt = client.connection.agent.request('session/prompt', { sessionId: created.sessionId, prompt: [{ type: 'text', text: 'HANG-NOW please' }] });
      await until(async () => (chunkText(client.updatesOf(created.sessionId)).includes('Thinking') ? true : undefined), TURN_MS, 'the hanging stream reached the client');
      const cancelAt = Date.now();
      await client.connection.agent.notify('session/cancel', { sessionId: created.sessionId });
      const stopped = await within(prompt, TURN_MS, () => `the cancelled prompt; stderr:\n${proc.stderr()}`);
      const cancelMs = Date.now() - cancelAt;
      expect(stopped.stopReason).toBe('cancelled');
      if (AGENT_TRAITS[agent].closesCancelledModelStream) {
        await until(async () => (model.openStreams() === 0 ? true : undefined), TURN_MS, 'the agent closed the abandoned model stream');
      }

      if (AGENT_TRAITS[agent].promptAfterCancelIsStale) {
        const stale = await within(
          client.connection.agent.request('session/prompt', { sessionId: created.sessionId, prompt: [{ type: 'text', text: 'AFTER-CANCEL' }] }),
          TURN_MS,
          () => `the stale prompt after the cancel; stderr:\n${proc.stderr()}`,
        );
        expect(stale).toMatchObject({ stopReason: 'end_turn', usage: { totalTokens: 0 } });
        await proc.stop();
        ({ proc, client } = await startAgent());
        await within(client.connection.agent.request('session/load', { sessionId: created.sessionId, ...session() }), START_MS, () => `session/load; stderr:\n${proc.stderr()}`);
      }
      const from = client.updates.length;
      const next = await within(
        client.connection.agent.request('session/prompt', { sessionId: created.sessionId, prompt: [{ type: 'text', text: 'AFTER-CANCEL' }] }),
        TURN_MS,
        () => `the prompt after the cancel; stderr:\n${proc.stderr()}`,
      );
      expect(next.stopReason).toBe('end_turn');
      expect(chunkText(client.updatesOf(created.sessionId, from))).toContain('Back again.');
      observe(agent, 'cancel', { cancelMs, stopReason: stopped.stopReason });
    }, TEST_MS);

    for (const how of ['ended (TERM)', 'killed (KILL) right after a turn'] as const) {
      it(`loads its session after its process group was ${how}, replays the history and takes the next prompt`, async () => {
        model.setScript(scriptTurns([when('REMEMBER-BLUE', say('Noted: the colour is blue.')), when('RECALL-COLOUR', say('It was blue.'))]));
        const first = await startAgent();
        const created = await within(first.client.connection.agent.request('session/new', session()), START_MS, () => `session/new; stderr:\n${first.proc.stderr()}`);
        const told = await within(
          first.client.connection.agent.request('session/prompt', { sessionId: created.sessionId, prompt: [{ type: 'text', text: 'REMEMBER-BLUE' }] }),
          TURN_MS,
          () => `the first prompt; stderr:\n${first.proc.stderr()}`,
        );
        expect(told.stopReason).toBe('end_turn');
        const ended = await (how === 'ended (TERM)' ? first.proc.stop() : first.proc.kill());
        if (how === 'ended (TERM)') observe(agent, 'endedByTerm', ended);
        expect(livingGroupMembers(first.proc.pid)).toEqual([]);

        const second = await startAgent();
        expect(second.init.agentCapabilities?.loadSession).toBe(true);
        const loadAt = Date.now();
        const load = within(second.client.connection.agent.request('session/load', { sessionId: created.sessionId, ...session() }), START_MS, () => `session/load; stderr:\n${second.proc.stderr()}`);
        if (how !== 'ended (TERM)' && AGENT_TRAITS[agent].mayLoseLastTurnOnKill) {
          const refused = await load.then(() => undefined, (error: unknown) => error);
          if (refused) {
            // Killed before it wrote its transcript: the session is unknown, as the trait says it may be.
            expect(String(refused)).toMatch(/not found/i);
            observe(agent, 'loadAfterKill', { refused: String(refused) });
            return;
          }
        } else {
          await load;
        }
        const loadMs = Date.now() - loadAt;
        const replay = second.client.updatesOf(created.sessionId);
        expect(chunkText(replay, 'user_message_chunk')).toContain('REMEMBER-BLUE');
        // An agent that may lose its last turn to a KILL may have kept the prompt but not the answer.
        const kept = chunkText(replay).includes('Noted: the colour is blue.');
        if (how === 'ended (TERM)' || !AGENT_TRAITS[agent].mayLoseLastTurnOnKill) expect(kept).toBe(true);

        const recalled = await within(
          second.client.connection.agent.request('session/prompt', { sessionId: created.sessionId, prompt: [{ type: 'text', text: 'RECALL-COLOUR' }] }),
          TURN_MS,
          () => `the prompt after the load; stderr:\n${second.proc.stderr()}`,
        );
        expect(recalled.stopReason).toBe('end_turn');
        // The model saw the earlier exchange: the agent restored its context, not only its display.
        const last = model.turns().at(-1);
        expect(last?.items.some((i) => i.kind === 'text' && i.role === 'assistant' && i.text.includes('Noted: the colour is blue.'))).toBe(kept);
        observe(agent, how === 'ended (TERM)' ? 'load' : 'loadAfterKill', { loadMs, answerKept: kept, replayKinds: replay.map((u) => u.sessionUpdate), restartToLoadedMs: Date.now() - second.proc.startedAt });
      }, TEST_MS);
    }
  });
}

/** A request as one line per conversation item, for the observations. */
const digest = (request: ModelRequest): string[] =>
  request.items.map((i) => (i.kind === 'text' ? `${i.role}: ${i.text.slice(0, 80)}` : i.kind === 'tool_call' ? `call ${i.name} ${JSON.stringify(i.input).slice(0, 80)}` : `result ${i.output.slice(0, 80)}`));

/** `promise`, or a rejection naming `what()` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}
