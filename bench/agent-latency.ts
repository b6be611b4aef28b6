import 'reflect-metadata';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ManagedPostgres } from '../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { recordedLayout } from '../src/adapters/persistence/managed-postgres/server-layout.js';
import { openContainer, type StoreConfig } from '../src/composition/container.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import { agentPod, benchAgentHost, benchRunDir, scriptedProfile, wallNow, type BenchAgentHost } from './agent-bench-host.js';
import { pollUntil } from './deadline.js';
import { latencyOf, type Latency } from './percentiles.js';

/**
 * `node dist/bench/agent-latency.js`: the time pods itself adds around an agent, with the
 * scripted agent (test/support/scripted-acp-agent.mjs, on the same SDK as the real ones)
 * so that no model or agent work is in the figures. Both ends are stamped with the wall
 * clock (sub-millisecond): the agent notes when it got each prompt and sent each update,
 * the host when the transaction of each entry returned. On the default store (the managed
 * PostgreSQL) and on the in-memory one:
 * - prompt: operator input committed (`SubmitOperatorInput` returned) → the agent has the
 *   `session/prompt`. "here": the input is committed by the host's own process (the TUI
 *   hosting the Pod); "other process": by a second store connection with its own feed (a
 *   TUI viewing a Pod `pods serve` runs), so the host hears of it through the store.
 * - update: the agent sends a tool call update → its `tool_call` / `tool_result` entry has
 *   committed; updates 10 ms apart, so the figure is a single update's, not a queue's.
 */
const PROMPTS = 40;
const TOOL_TURNS = 4;
const TOOLS_PER_TURN = 15;
const PACE_MS = 10;
const WAIT_MS = 60_000;

type Request = { readonly method: string; readonly params: { readonly toolCallId?: string; readonly sessionUpdate?: string }; readonly at: number };

export type AgentLatencyReport = {
  readonly store: string;
  readonly promptHereMs: Latency;
  readonly promptOtherProcessMs?: Latency;
  readonly updateToCommitMs: Latency;
};

async function requestsOf(home: string, pod: string): Promise<Request[]> {
  const text = await readFile(join(home, 'agents', pod, 'home', 'requests.jsonl'), 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((line) => JSON.parse(line) as Request);
}

async function answered(host: BenchAgentHost, pod: string, after: number): Promise<void> {
  await pollUntil(WAIT_MS, `${pod} answered`, 2, async () => (host.commits.some((c) => c.pod === pod && c.seq > after && c.kind === 'assistant_message') ? true : undefined));
}

/** One store: a host with one scripted agent Pod, `PROMPTS` prompts, then paced tool calls. */
async function measure(store: StoreConfig, label: string, home: string, work: string, otherUrl?: string): Promise<AgentLatencyReport> {
  const host = await benchAgentHost(store, home, [scriptedProfile('scripted')]);
  const other = otherUrl ? await openContainer({ kind: 'postgres', url: otherUrl }) : undefined;
  try {
    const pod = 'bench';
    await agentPod(host.app, pod, 'scripted', work);
    const submit = async (app: typeof host.app, text: string): Promise<{ seq: number; at: number }> => {
      const sent = await app.submitOperatorInput.execute({ pod: PodName.unsafe(pod), text: MessageBody.unsafe(text) });
      const at = wallNow();
      if (!sent.ok) throw new Error(`submit: ${JSON.stringify(sent.error)}`);
      return { seq: sent.value.entry.seq, at };
    };
    // The agent's start is not what is measured: it runs before the first timed prompt.
    await answered(host, pod, (await submit(host.app, 'warm up')).seq);

    const promptLatencies = async (app: typeof host.app, tag: string): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < PROMPTS; i += 1) {
        const before = (await requestsOf(home, pod)).length;
        const { seq, at } = await submit(app, `${tag} ${i}`);
        await answered(host, pod, seq);
        const prompt = (await requestsOf(home, pod)).slice(before).find((r) => r.method === 'session/prompt');
        if (!prompt) throw new Error('the agent got no prompt');
        samples.push(prompt.at - at);
      }
      return samples;
    };
    const here = await promptLatencies(host.app, 'here');
    const there = other ? await promptLatencies(other.app, 'there') : undefined;

    const updates: number[] = [];
    for (let turn = 0; turn < TOOL_TURNS; turn += 1) {
      const before = (await requestsOf(home, pod)).length;
      const firstCommit = host.commits.length;
      const { seq } = await submit(host.app, `#tools ${TOOLS_PER_TURN} ${PACE_MS}\n#say tools ${turn}`);
      await answered(host, pod, seq);
      const sent = (await requestsOf(home, pod)).slice(before).filter((r) => r.method === 'sent');
      const committed = host.commits.slice(firstCommit).filter((c) => c.pod === pod);
      for (const update of sent) {
        const kind = update.params.sessionUpdate === 'tool_call' ? 'tool_call' : 'tool_result';
        const entry = committed.find((c) => c.kind === kind && c.callId === update.params.toolCallId);
        if (!entry) throw new Error(`no ${kind} entry for ${update.params.toolCallId}`);
        updates.push(entry.at - update.at);
      }
    }
    return { store: label, promptHereMs: latencyOf(here), ...(there ? { promptOtherProcessMs: latencyOf(there) } : {}), updateToCommitMs: latencyOf(updates) };
  } finally {
    await other?.close();
    await host.close();
  }
}

export async function agentLatency(): Promise<readonly AgentLatencyReport[]> {
  const reports: AgentLatencyReport[] = [];
  const root = await benchRunDir('latency');
  const home = join(root, 'home');
  const server = new ManagedPostgres({ home });
  try {
    const { url } = await server.ensureRunning();
    reports.push(await measure({ kind: 'postgres', url }, 'managed PostgreSQL (default store)', home, root, url));
    reports.push(await measure({ kind: 'memory' }, 'in memory', join(root, 'home-memory'), root));
    return reports;
  } finally {
    await server.stop().catch(() => undefined);
    const layout = await recordedLayout(home).catch(() => undefined);
    if (layout && !layout.serverDir.startsWith(`${root}/`)) await rm(layout.serverDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }
}

const fmt = (l: Latency) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms (${l.samples} samples)`;

export function agentLatencyLines(reports: readonly AgentLatencyReport[]): string[] {
  return reports.flatMap((r) => [
    `${r.store}:`,
    `  input committed → agent has the prompt, committed here:        ${fmt(r.promptHereMs)}`,
    ...(r.promptOtherProcessMs ? [`  input committed → agent has the prompt, by another connection: ${fmt(r.promptOtherProcessMs)}`] : []),
    `  agent update sent → its entry committed:                        ${fmt(r.updateToCommitMs)}`,
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const reports = await agentLatency();
  for (const line of agentLatencyLines(reports)) console.log(line);
  console.log(JSON.stringify(reports));
}
