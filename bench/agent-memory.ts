import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { ManagedPostgres } from '../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { recordedLayout } from '../src/adapters/persistence/managed-postgres/server-layout.js';
import { openContainer } from '../src/composition/container.js';
import { AbsolutePath } from '../src/domain/absolute-path.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import { ProfileName } from '../src/domain/profile-name.js';
import { endProcessGroup, livingWithHomeUnder } from '../test/support/agent-process.js';
import { benchRunDir, REPO, SCRIPTED_AGENT } from './agent-bench-host.js';
import { pollUntil } from './deadline.js';
import { mib } from './process-memory.js';

/**
 * `node dist/bench/agent-memory.js`: the memory of `pods serve` (dist/pods.mjs, the default
 * store) hosting 20 agent-driven Pods, each of which has answered one input through its
 * agent (the scripted agent, confined by bubblewrap) and then been parked (its profile's
 * idle time): before any turn, with the 20 agents live, and once all are parked.
 */
const PODS = 20;
/** Long enough that all 20 are live together once the last has answered. */
const IDLE_MS = 30_000;
const WAIT_MS = 180_000;

type Memory = { readonly rssBytes: number; readonly pssBytes: number; readonly processes: number };

async function memoryOf(pids: readonly number[]): Promise<Memory> {
  let rssBytes = 0;
  let pssBytes = 0;
  let processes = 0;
  for (const pid of pids) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => undefined);
    if (rollup === undefined) continue;
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    rssBytes += kib('Rss');
    pssBytes += kib('Pss');
    processes += 1;
  }
  return { rssBytes, pssBytes, processes };
}

export type AgentMemoryReport = { readonly idle: Memory; readonly live: Memory; readonly agents: Memory; readonly parked: Memory };

export async function agentMemory(): Promise<AgentMemoryReport> {
  const root = await benchRunDir('memory');
  const home = join(root, 'home');
  const cli = join(REPO, 'dist', 'pods.mjs');
  const env = { ...process.env, PODS_HOME: home, PODS_DATABASE_URL: '' };
  const pods = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { env });
  let serve: ReturnType<typeof spawn> | undefined;
  try {
    await pods('profile', 'add', 'scripted', '--acp', '--idle-ms', String(IDLE_MS),
      '--read-only', join(REPO, 'test', 'support'), '--read-only', join(REPO, 'node_modules'), '--', process.execPath, SCRIPTED_AGENT);
    const names = Array.from({ length: PODS }, (_, i) => `a${String(i + 1).padStart(2, '0')}`);
    // The operator's side, in this process: a second connection to the same store, as a TUI would be.
    const { app, close } = await openContainer({ kind: 'managed', home }, { agents: { home, env: {} } });
    try {
      for (const name of names) {
        const created = await app.createPod.execute({ name: PodName.unsafe(name), scope: [{ target: AbsolutePath.unsafe(root), permission: 'write', recursive: true }], profile: ProfileName.unsafe('scripted') });
        if (!created.ok) throw new Error(`create ${name}: ${created.error.type}`);
      }
      serve = spawn(process.execPath, [cli, 'serve'], { env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      serve.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await pollUntil(WAIT_MS, 'pods serve serving', 50, async () => (out.includes(' serving ') ? true : undefined));
      const pid = serve.pid!;
      const idle = await memoryOf([pid]);

      for (const name of names) await app.submitOperatorInput.execute({ pod: PodName.unsafe(name), text: MessageBody.unsafe(`hello ${name}`) });
      await pollUntil(WAIT_MS, 'every Pod answered', 200, async () => {
        for (const name of names) {
          const read = await app.readHistory.execute({ pod: PodName.unsafe(name) });
          if (!read.ok || !read.value.some((e) => e.kind === 'assistant_message')) return undefined;
        }
        return true;
      });
      const agents = livingWithHomeUnder(join(home, 'agents'));
      const live = await memoryOf([pid]);
      const agentMemory = await memoryOf(agents);
      await pollUntil(WAIT_MS, 'every agent parked', 200, async () => (livingWithHomeUnder(join(home, 'agents')).length === 0 ? true : undefined));
      const parked = await memoryOf([pid]);
      serve.kill('SIGTERM');
      await pollUntil(60_000, 'pods serve ended', 50, async () => (serve?.exitCode !== null ? true : undefined));
      if (serve.exitCode !== 0) throw new Error(`pods serve exited ${serve.exitCode}:\n${out}`);
      return { idle, live, agents: agentMemory, parked };
    } finally {
      await close();
    }
  } finally {
    if (serve?.pid !== undefined) await endProcessGroup(serve.pid, 0, 10_000, 'SIGKILL').catch(() => undefined);
    await new ManagedPostgres({ home }).stop().catch(() => undefined);
    const layout = await recordedLayout(home).catch(() => undefined);
    if (layout && !layout.serverDir.startsWith(`${root}/`)) await rm(layout.serverDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }
}

export function agentMemoryLines(r: AgentMemoryReport): string[] {
  const line = (what: string, m: Memory) => `  ${what}: RSS ${mib(m.rssBytes)}, PSS ${mib(m.pssBytes)} (${m.processes} processes)`;
  return [
    `pods serve with ${PODS} agent-driven Pods (scripted agent, bubblewrap):`,
    line('serving, before any turn', r.idle),
    line(`the ${PODS} agents live, pods serve itself`, r.live),
    line(`the ${PODS} agents live, the agents (with their bwrap processes)`, r.agents),
    line(`all ${PODS} parked, pods serve`, r.parked),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await agentMemory();
  for (const line of agentMemoryLines(report)) console.log(line);
  console.log(JSON.stringify(report));
}
