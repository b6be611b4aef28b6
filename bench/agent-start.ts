import 'reflect-metadata';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AcpCodingAgents } from '../src/adapters/acp/acp-coding-agents.js';
import { BubblewrapSandbox } from '../src/adapters/sandbox/bubblewrap-sandbox.js';
import { UnconfinedSandbox } from '../src/adapters/sandbox/unconfined-sandbox.js';
import type { AgentLaunch } from '../src/application/ports/coding-agents.js';
import { AbsolutePath } from '../src/domain/absolute-path.js';
import type { Confinement } from '../src/domain/confinement.js';
import { effectiveScope } from '../src/domain/effective-scope.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import type { AcpProfile } from '../src/domain/profile.js';
import { livingWithHomeUnder, spawnAgent } from '../test/support/agent-process.js';
import { echoMcpServer } from '../test/support/echo-mcp-server.js';
import { startLoopbackModelServer, type LoopbackModelServer } from '../test/support/loopback-model/loopback-model-server.js';
import { say, scriptTurns } from '../test/support/loopback-model/turn-script.js';
import { agentRecipe, codexConfig, findAgent, prepareAgent, type RealAgent } from '../test/support/real-agents.js';
import type * as acp from '@agentclientprotocol/sdk/unstable';
import { connectRecordingClient, INITIALIZE } from '../test/support/recording-acp-client.js';
import { acpProfile, agentPod, benchAgentHost, benchRunDir, REPO, scriptedProfile } from './agent-bench-host.js';
import { pollUntil, within } from './deadline.js';
import { latencyOf, type Latency } from './percentiles.js';

/**
 * `node dist/bench/agent-start.js [scripted|codex|claude]…`: an agent's start as pods makes it,
 * with the real agents installed by tools/agents/install-agents.sh against the loopback model
 * server (test/support/loopback-model).
 * - sandbox: `AcpCodingAgents.start` (state directory, home files, confinement, spawn, until
 *   `initialize` is answered) with the profile's sandbox `bwrap` and `none`, alternated round
 *   by round (the order flipped every round), so both share the machine's state.
 * - resume: a parked Pod (its agent ended after the profile's idle time) gets input; from the
 *   input's commit to the first update the agent streams (pods starts the agent confined,
 *   `initialize`, `session/load`, the prompt), against the agent's own cold start without pods:
 *   spawn, `initialize`, `session/load` (with a stdio MCP server, as pods gives it one), a
 *   prompt, its first update. The two alternate round by round.
 */
const ROUNDS: Readonly<Record<Agent, { readonly sandbox: number; readonly resume: number }>> = {
  scripted: { sandbox: 20, resume: 10 },
  codex: { sandbox: 15, resume: 8 },
  claude: { sandbox: 8, resume: 5 },
};
const WAIT_MS = 120_000;
const DUMMY_KEY = 'loopback-not-a-real-key';

type Agent = Exclude<RealAgent, 'opencode'> | 'scripted';
export type AgentStartReport = { readonly agent: Agent; readonly startMs: { readonly none: Latency; readonly bwrap: Latency }; readonly resumeMs: { readonly pods: Latency; readonly own: Latency } };

/** The profile an operator would add for `agent` (the lines of docs/agents.md), against `model`. */
async function profileOf(agent: Agent, model: LoopbackModelServer, root: string): Promise<AcpProfile> {
  if (agent === 'scripted') return scriptedProfile('bench', { idleMs: 1_000, sandbox: 'bwrap' });
  const found = findAgent(agent);
  if (!found.ok) throw new Error(found.reason);
  if (agent === 'claude') {
    return acpProfile({
      name: 'bench', command: found.command, idleMs: 1_000, passEnv: ['ANTHROPIC_API_KEY'],
      env: { ANTHROPIC_BASE_URL: model.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1' },
    });
  }
  const config = join(root, 'codex-config.toml');
  await writeFile(config, codexConfig(model.url, 'danger-full-access'));
  return acpProfile({ name: 'bench', command: found.command, idleMs: 1_000, passEnv: ['LOOPBACK_API_KEY'], homeFiles: { '.codex/config.toml': config } });
}

const HOST_ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ANTHROPIC_API_KEY: DUMMY_KEY, LOOPBACK_API_KEY: DUMMY_KEY };
const elapsed = (start: number) => performance.now() - start;

async function sandboxCost(agent: Agent, profile: AcpProfile, root: string): Promise<{ none: Latency; bwrap: Latency }> {
  const home = join(root, 'home');
  const work = join(root, 'work');
  await mkdir(work, { recursive: true });
  const stateDir = join(home, 'agents', 'bench');
  const relay = join(REPO, 'test', 'support', 'mcp-relay.mjs');
  const agents = new AcpCodingAgents(WAIT_MS, { bwrap: new BubblewrapSandbox(), none: new UnconfinedSandbox() }, []);
  const confinement: Confinement = {
    scope: effectiveScope([{ target: AbsolutePath.unsafe(work), permission: 'write', recursive: true }], []),
    stateDirectory: AbsolutePath.unsafe(stateDir), readOnly: profile.readOnly, withheld: [AbsolutePath.unsafe(home)],
  };
  const samples = { none: [] as number[], bwrap: [] as number[] };
  for (let round = -2; round < ROUNDS[agent].sandbox; round += 1) {
    for (const sandbox of round % 2 === 0 ? (['none', 'bwrap'] as const) : (['bwrap', 'none'] as const)) {
      const launch: AgentLaunch = {
        pod: PodName.unsafe('bench'), profile: { ...profile, sandbox }, stateDir, cwd: work, confinement, currentConfinement: async () => confinement,
        mcpServer: { name: 'pods', command: process.execPath, args: [relay, join(stateDir, 'unused.sock')], env: {} },
        requests: { permission: async () => 'reject' }, hostEnv: HOST_ENV,
      };
      const start = performance.now();
      const started = await agents.start(launch);
      if (round >= 0) samples[sandbox].push(elapsed(start));
      await started.stop();
    }
  }
  return { none: latencyOf(samples.none), bwrap: latencyOf(samples.bwrap) };
}

async function resume(agent: Agent, profile: AcpProfile, root: string, model: LoopbackModelServer): Promise<{ pods: Latency; own: Latency }> {
  const home = join(root, 'resume-home');
  const host = await benchAgentHost({ kind: 'memory' }, home, [profile], HOST_ENV);
  const samples = { pods: [] as number[], own: [] as number[] };
  const ownState = join(root, 'own-state');
  const ownLog = join(root, 'echo.jsonl');
  try {
    const pod = PodName.unsafe('sleeper');
    await agentPod(host.app, pod, 'bench', root);
    let first: number | undefined;
    const off = host.app.events.subscribe((event) => {
      if ('pod' in event && event.pod === pod && first === undefined && (event.type === 'text' || event.type === 'tool_started')) first = performance.now();
    });
    const turn = async (text: string): Promise<number> => {
      first = undefined;
      const sent = await host.app.submitOperatorInput.execute({ pod, text: MessageBody.unsafe(text) });
      const start = performance.now();
      if (!sent.ok) throw new Error('submit failed');
      const seq = sent.value.entry.seq;
      await pollUntil(WAIT_MS, 'the turn ended', 5, async () => (host.commits.some((c) => c.pod === pod && c.seq > seq && (c.kind === 'assistant_message' || c.kind === 'notice')) ? true : undefined));
      if (first === undefined) throw new Error(`no streamed update: ${JSON.stringify(host.commits.slice(-3))}`);
      return first - start;
    };
    const parked = () => pollUntil(WAIT_MS, 'the agent parked', 20, async () => (livingWithHomeUnder(join(home, 'agents', pod)).length === 0 ? true : undefined));

    // The agent's own session, for its cold start: made once, loaded every round.
    let ownSession: string | undefined;
    const own = async (): Promise<number> => {
      const recipe = agent === 'scripted'
        ? { command: process.execPath, args: [profile.args[0]!], env: { PATH: HOST_ENV.PATH, HOME: ownState } }
        : prepareAgent(agentRecipe(agent, ownState, model.url), ownState);
      const start = performance.now();
      const proc = spawnAgent(recipe, root);
      try {
        const client = connectRecordingClient(proc);
        await within(WAIT_MS, 'initialize', client.connection.agent.request('initialize', INITIALIZE));
        const session = { cwd: root, mcpServers: [echoMcpServer(ownLog)] };
        if (ownSession === undefined) ownSession = (await within<acp.NewSessionResponse>(WAIT_MS, 'session/new', client.connection.agent.request('session/new', session))).sessionId;
        else await within(WAIT_MS, 'session/load', client.connection.agent.request('session/load', { sessionId: ownSession, ...session }));
        const from = client.updates.length;
        const prompt = client.connection.agent.request('session/prompt', { sessionId: ownSession, prompt: [{ type: 'text', text: 'cold start' }] });
        await pollUntil(WAIT_MS, 'the first update', 2, async () => (client.updates.slice(from).length > 0 ? true : undefined));
        const ms = elapsed(start);
        await within(WAIT_MS, 'the prompt', prompt);
        return ms;
      } finally {
        await proc.stop();
      }
    };

    await turn('first: start and make the session');
    await own();
    for (let round = -1; round < ROUNDS[agent].resume; round += 1) {
      for (const which of round % 2 === 0 ? (['pods', 'own'] as const) : (['own', 'pods'] as const)) {
        if (which === 'pods') await parked();
        const ms = which === 'pods' ? await turn(`resume ${round}`) : await own();
        if (round >= 0) samples[which].push(ms);
      }
    }
    off();
    return { pods: latencyOf(samples.pods), own: latencyOf(samples.own) };
  } finally {
    await host.close();
  }
}

export async function agentStart(agents: readonly Agent[]): Promise<AgentStartReport[]> {
  const reports: AgentStartReport[] = [];
  for (const agent of agents) {
    const root = await benchRunDir(`start-${agent}`);
    const model = await startLoopbackModelServer({ script: scriptTurns([], say('Resumed, and answering.', { chunks: 3 })) });
    try {
      const profile = await profileOf(agent, model, root);
      const startMs = await sandboxCost(agent, profile, root);
      const resumeMs = await resume(agent, profile, root, model);
      reports.push({ agent, startMs, resumeMs });
    } finally {
      await model.close();
      await rm(root, { recursive: true, force: true });
    }
  }
  return reports;
}

const fmt = (l: Latency) => `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms (${l.samples})`;

export function agentStartLines(reports: readonly AgentStartReport[]): string[] {
  return reports.flatMap((r) => [
    `${r.agent}:`,
    `  start to initialize answered, --sandbox none: ${fmt(r.startMs.none)}`,
    `  start to initialize answered, bwrap:          ${fmt(r.startMs.bwrap)}  (+${(r.startMs.bwrap.p50 - r.startMs.none.p50).toFixed(0)} ms p50)`,
    `  parked → first streamed update, with pods:    ${fmt(r.resumeMs.pods)}`,
    `  the agent's own cold start to its first update: ${fmt(r.resumeMs.own)}`,
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const chosen = process.argv.slice(2) as Agent[];
  const reports = await agentStart(chosen.length > 0 ? chosen : ['scripted', 'codex', 'claude']);
  for (const line of agentStartLines(reports)) console.log(line);
  console.log(JSON.stringify(reports));
}
