import { mkdir, mkdtemp } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemoryProfileCatalog } from '../src/adapters/profiles/in-memory-profile-catalog.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../src/application/ports/unit-of-work.js';
import type { PodsApp } from '../src/application/pods-app.js';
import { openInversifyContainer, type StoreConfig } from '../src/composition/container.js';
import type { AgentOptions } from '../src/composition/host-module.js';
import { podsApp } from '../src/composition/pods-app.js';
import { AbsolutePath } from '../src/domain/absolute-path.js';
import { PodName } from '../src/domain/pod-name.js';
import { parseAcpProfile, type AcpProfile, type AcpProfileInput } from '../src/domain/profile.js';
import { ProfileName } from '../src/domain/profile-name.js';

/** The repository (this file runs from `dist/bench`, or from `bench` under a TS runner). */
export const REPO = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));
export const SCRIPTED_AGENT = join(REPO, 'test', 'support', 'scripted-acp-agent.mjs');
/** The test suite's `pods mcp-relay`: the same byte relay, runnable without the CLI. */
const RELAY = { command: process.execPath, args: [join(REPO, 'test', 'support', 'mcp-relay.mjs')] };

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes of this machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * Where the agent benchmarks keep their `$PODS_HOME`s and work: outside the temp dir, as a
 * confined agent has a private /tmp and Codex refuses its helpers under it.
 */
export async function benchRunDir(name: string): Promise<string> {
  const base = process.env['PODS_AGENT_RUNS_DIR'] || join(homedir(), '.cache', 'pods-agent-runs');
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, `bench-${name}-`));
}

export function acpProfile(input: AcpProfileInput): AcpProfile {
  const parsed = parseAcpProfile(input);
  if (!parsed.ok) throw new Error(`bad bench profile: ${parsed.error.problem}`);
  return parsed.value;
}

/** The scripted agent (test/support/scripted-acp-agent.mjs) as a profile; confined, it reads the script and the SDK. */
export const scriptedProfile = (name: string, more: Partial<AcpProfileInput> = {}): AcpProfile =>
  acpProfile({ name, command: process.execPath, args: [SCRIPTED_AGENT], sandbox: 'none', readOnly: [join(REPO, 'test', 'support'), join(REPO, 'node_modules')], ...more });

/** One committed history entry as the host's unit of work returned it, with when its commit returned. */
export type TimedCommit = { readonly pod: string; readonly seq: number; readonly kind: string; readonly callId?: string; readonly at: number };

export type BenchAgentHost = {
  readonly app: PodsApp;
  readonly commits: readonly TimedCommit[];
  readonly close: () => Promise<void>;
};

/**
 * A host (this process) over `store` running `profiles`, whose unit of work notes when each
 * transaction that appended a history entry returned, i.e. committed: what the latency of
 * "an agent update to its committed entry" ends at.
 */
export async function benchAgentHost(store: StoreConfig, home: string, profiles: readonly AcpProfile[], env: Record<string, string> = {}, timing: AgentOptions['timing'] = {}): Promise<BenchAgentHost> {
  const agents: AgentOptions = {
    home, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, profiles: new InMemoryProfileCatalog(profiles), relay: RELAY,
    timing: { startTimeoutMs: 120_000, cancelGraceMs: 5_000, silenceMs: 120_000, ...timing },
  };
  const { container, close } = await openInversifyContainer(store, { config: { pollMs: 2_000 }, agents });
  const inner = container.get(UNIT_OF_WORK);
  const commits: TimedCommit[] = [];
  const timed: UnitOfWork = {
    run: async (work, options) => {
      const result = await inner.run(work, options);
      if (isEntry(result)) commits.push({ pod: result.pod, seq: result.seq, kind: result.kind, ...(typeof result.callId === 'string' ? { callId: result.callId } : {}), at: wallNow() });
      return result;
    },
  };
  container.rebind(UNIT_OF_WORK).toConstantValue(timed);
  const app = podsApp(container);
  app.runtime.start();
  return { app, commits, close };
}

function isEntry(value: unknown): value is { pod: string; seq: number; kind: string; callId?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { seq?: unknown }).seq === 'number' && typeof (value as { kind?: unknown }).kind === 'string' && typeof (value as { pod?: unknown }).pod === 'string';
}

/** Creates an agent-driven Pod with write on `work` and attaches it to this host. */
export async function agentPod(app: PodsApp, name: string, profile: string, work: string): Promise<void> {
  const created = await app.createPod.execute({
    name: PodName.unsafe(name), scope: [{ target: AbsolutePath.unsafe(work), permission: 'write', recursive: true }], profile: ProfileName.unsafe(profile), hold: 'model',
  });
  if (!created.ok) throw new Error(`create ${name}: ${created.error.type}`);
  const attached = await app.runtime.attach(PodName.unsafe(name));
  if (!attached.ok) throw new Error(`attach ${name}: ${attached.error.type}`);
}
