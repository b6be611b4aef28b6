import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import type { PodsApp } from '../../src/application/pods-app.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { PodName } from '../../src/domain/pod-name.js';
import { parseAcpProfile, type AcpProfile, type AcpProfileInput } from '../../src/domain/profile.js';
import { openInversifyContainer, type StoreConfig } from '../../src/composition/container.js';
import type { AgentOptions } from '../../src/composition/host-module.js';
import { podsApp } from '../../src/composition/pods-app.js';
import { until } from './until.js';

/** Where test hosts keep their `$PODS_HOME`s: outside the temp dir (see `openAgentHost`). */
export async function testHomes(): Promise<string> {
  const base = join(homedir(), '.cache', 'pods-test-homes');
  await mkdir(base, { recursive: true, mode: 0o700 });
  return base;
}

export const SCRIPTED_AGENT = fileURLToPath(new URL('./scripted-acp-agent.mjs', import.meta.url));
export const TEST_RELAY = { command: process.execPath, args: [fileURLToPath(new URL('./mcp-relay.mjs', import.meta.url))] };

/** An `acp` profile running the scripted agent, unconfined unless told. */
export function scriptedProfile(name = 'scripted', more: Partial<AcpProfileInput> = {}): AcpProfile {
  const parsed = parseAcpProfile({ name, command: process.execPath, args: [SCRIPTED_AGENT], sandbox: 'none', ...more });
  if (!parsed.ok) throw new Error(`bad test profile: ${parsed.error.problem}`);
  return parsed.value;
}

export type AgentHost = {
  readonly app: PodsApp;
  /** The container behind `app`: for a test that writes the store as another host would. */
  readonly uow: UnitOfWork;
  /** `$PODS_HOME`: withheld from every agent but for its own state directory. */
  readonly home: string;
  /** A directory outside `$PODS_HOME` for the Pods' scopes, removed on close. */
  readonly work: string;
  readonly history: (pod: string) => Promise<readonly HistoryEntry[]>;
  readonly waitFor: (pod: string, what: string, found: (entries: readonly HistoryEntry[]) => boolean, ms?: number) => Promise<readonly HistoryEntry[]>;
  readonly close: () => Promise<void>;
};

/** A host over a store (in memory unless told), with `profiles` and the test relay, its `$PODS_HOME` a fresh temp dir. */
/** The operator types `text` to Pod `name` on this host. */
export const say = (h: AgentHost, name: string, text: string) => h.app.submitOperatorInput.execute({ pod: PodName.unsafe(name), text: MessageBody.unsafe(text) });

export async function openAgentHost(
  profiles: readonly AcpProfile[],
  options: {
    readonly store?: StoreConfig;
    readonly timing?: AgentOptions['timing'];
    readonly env?: Record<string, string>;
    /** `$PODS_HOME` of an earlier host on this machine (kept on close), else a fresh temp dir removed on close. */
    readonly home?: string;
    readonly sandboxes?: AgentOptions['sandboxes'];
  } = {},
): Promise<AgentHost> {
  // Not under /tmp: a confined agent gets a private /tmp, so a home there would hide what the sandbox withholds.
  const home = options.home ?? (await mkdtemp(join(await testHomes(), 'home-')));
  const work = await mkdtemp(join(tmpdir(), 'pods-work-'));
  const agents: AgentOptions = {
    home, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env }, profiles: new InMemoryProfileCatalog(profiles), relay: TEST_RELAY,
    timing: { startTimeoutMs: 20_000, cancelGraceMs: 2_000, silenceMs: 20_000, ...options.timing },
    ...(options.sandboxes ? { sandboxes: options.sandboxes } : {}),
  };
  const { container, close } = await openInversifyContainer(options.store ?? { kind: 'memory' }, { config: { pollMs: 200 }, agents });
  const app = podsApp(container);
  app.runtime.start();
  const history = async (pod: string) => {
    const read = await app.readHistory.execute({ pod: PodName.unsafe(pod) });
    if (!read.ok) throw new Error(`no pod ${pod}`);
    return read.value;
  };
  return {
    app, uow: container.get(UNIT_OF_WORK), home, work, history,
    waitFor: (pod, what, found, ms = 30_000) => until(async () => {
      const entries = await history(pod);
      return found(entries) ? entries : undefined;
    }, ms, what),
    close: async () => {
      await close();
      if (!options.home) await rm(home, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    },
  };
}
