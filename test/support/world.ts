import { ProcessPodHost } from '../../src/adapters/host/process-pod-host.js';
import { PodEventStream } from '../../src/adapters/events/pod-event-stream.js';
import type { PodCommitted, PodEvent, PodEvents } from '../../src/application/ports/pod-events.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { PodTools } from '../../src/application/tools/pod-tools.js';
import type { ToolResult } from '../../src/application/tools/tool-result.js';
import { CreatePod } from '../../src/application/use-cases/create-pod.js';
import { DeliverPeerMessage } from '../../src/application/use-cases/deliver-peer-message.js';
import { ExplainEntry } from '../../src/application/use-cases/explain-entry.js';
import { InitiatePeerHandshake } from '../../src/application/use-cases/initiate-peer-handshake.js';
import { ListAllPods } from '../../src/application/use-cases/list-all-pods.js';
import { ListPods } from '../../src/application/use-cases/list-pods.js';
import { ReadChildOutput } from '../../src/application/use-cases/read-child-output.js';
import { ReadHistory } from '../../src/application/use-cases/read-history.js';
import { RemovePeer } from '../../src/application/use-cases/remove-peer.js';
import { RestorePod } from '../../src/application/use-cases/restore-pod.js';
import { SendToChild } from '../../src/application/use-cases/send-to-child.js';
import { SpawnChildPod } from '../../src/application/use-cases/spawn-child-pod.js';
import { StopChild } from '../../src/application/use-cases/stop-child.js';
import { SubmitOperatorInput } from '../../src/application/use-cases/submit-operator-input.js';
import { TakeUnseenInbound } from '../../src/application/use-cases/take-unseen-inbound.js';
import type { HistoryEntryBody } from '../../src/domain/history-entry.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { PodName } from '../../src/domain/pod-name.js';
import type { PodDriver, RuntimeStatus } from '../../src/domain/pod-status.js';
import { ScopeRule } from '../../src/domain/scope-rule.js';
import { HostRuntime } from '../../src/application/host/host-runtime.js';
import { KnownHistory } from '../../src/application/host/known-history.js';
import { RunTurn } from '../../src/application/host/run-turn.js';
import { DEFAULT_HOST_CONFIG, type HostConfig } from '../../src/application/host/host-config.js';
import type { Model } from '../../src/application/ports/model.js';
import { WaitForInbound } from '../../src/application/use-cases/wait-for-inbound.js';
import { ManualClock } from './manual-clock.js';
import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import type { ProfileCatalog } from '../../src/application/ports/profile-catalog.js';
import { AgentFailure, type CodingAgents, type PodToolChannels } from '../../src/application/ports/coding-agents.js';
import { DEFAULT_AGENT_HOST_TIMING, type AgentHostConfig } from '../../src/application/host/agent-host-config.js';
import { AgentSessions } from '../../src/application/host/agent-sessions.js';
import { AgentTurn } from '../../src/application/host/agent-turn.js';
import { ScriptedModel } from './scripted-model.js';
import { SequentialIds } from './sequential-ids.js';

export const name = (raw: string): PodName => PodName.unsafe(raw);

/** What a world needs to run agent-driven Pods; by default it has no agents and no profiles beyond `default`. */
export type WorldAgents = {
  readonly profiles?: ProfileCatalog;
  readonly codingAgents?: CodingAgents;
  readonly channels?: PodToolChannels;
  readonly config?: Partial<AgentHostConfig>;
};

const NO_AGENTS: CodingAgents = {
  start: async () => {
    throw new AgentFailure('this test world starts no agents');
  },
  removeState: async () => 'none',
};
const NO_CHANNELS: PodToolChannels = {
  open: async () => ({ name: 'pods', command: '/bin/false', args: [], env: {} }),
  close: async () => undefined,
};

/** Agent sessions that start no agent: for a host under test whose Pods all run on models. */
export const noAgentSessions = (uow: UnitOfWork, clock = new ManualClock()): AgentSessions =>
  new AgentSessions(NO_AGENTS, NO_CHANNELS, uow, clock, { home: '/nonexistent/pods-home', env: {}, ...DEFAULT_AGENT_HOST_TIMING });
export const body = (raw: string): MessageBody => MessageBody.unsafe(raw);
export const rule = (shorthand: string): ScopeRule => {
  const parsed = ScopeRule.parseShorthand(shorthand);
  if (!parsed.ok) throw new Error(`bad rule in test: ${shorthand}`);
  return parsed.value;
};

/** Every use case wired by hand over one store, with a manual clock and a recording host. */
export function makeWorld(
  uow: UnitOfWork,
  model: Model = new ScriptedModel(),
  config: Partial<HostConfig> = {},
  agents: WorldAgents = {},
) {
  const hostConfig = { ...DEFAULT_HOST_CONFIG, ...config };
  const events = eventsOf(uow);
  const clock = new ManualClock();
  const ids = new SequentialIds();
  const host = new ProcessPodHost({ ...DEFAULT_HOST_CONFIG, ...config });
  const heard: PodEvent[] = [];
  events.subscribe((e) => heard.push(e));
  const profiles = agents.profiles ?? new InMemoryProfileCatalog();
  const spawnChild = new SpawnChildPod(uow, clock, host, profiles);
  const sendToChild = new SendToChild(uow, clock);
  const readChildOutput = new ReadChildOutput(uow, clock);
  const stopChild = new StopChild(uow, clock);
  const listPods = new ListPods(uow, clock, profiles);
  const restorePod = new RestorePod(uow, clock, host, profiles);
  const deliver = new DeliverPeerMessage(uow, clock, ids);
  const waitForInbound = new WaitForInbound(uow, events, hostConfig);
  const tools = new PodTools(uow, spawnChild, sendToChild, readChildOutput, stopChild, listPods, restorePod, deliver, waitForInbound);
  const known = new KnownHistory();
  const agentConfig: AgentHostConfig = { home: '/nonexistent/pods-home', env: {}, ...DEFAULT_AGENT_HOST_TIMING, ...agents.config };
  const agentSessions = new AgentSessions(agents.codingAgents ?? NO_AGENTS, agents.channels ?? NO_CHANNELS, uow, clock, agentConfig);
  const agentTurn = new AgentTurn(uow, clock, agentSessions, events, agentConfig);
  const runTurn = new RunTurn(uow, clock, model, tools, hostConfig, events, known, profiles, agentTurn);
  const world = {
    uow, clock, ids, host,
    /** The store's event stream, and every event heard on it since the world was made. */
    events, heard,
    /** The changes each commit announced for `pod`, in order. */
    committed: (pod: string): PodCommitted['changes'][] => heard.flatMap((e) => (e.type === 'committed' && e.pod === pod ? [e.changes] : [])),
    createPod: new CreatePod(uow, clock, host, profiles),
    spawnChild, sendToChild, readChildOutput, stopChild, listPods, restorePod, deliver,
    handshake: new InitiatePeerHandshake(uow, clock, ids),
    removePeer: new RemovePeer(uow, clock, ids),
    explain: new ExplainEntry(uow),
    readHistory: new ReadHistory(uow),
    listAll: new ListAllPods(uow, clock, profiles),
    operatorInput: new SubmitOperatorInput(uow, clock),
    takeInbound: new TakeUnseenInbound(uow),
    waitForInbound,
    tools,
    model,
    runTurn,
    /** A run loop on this world's host; call `start()` to let it react to signals. */
    runtime: new HostRuntime(uow, clock, host, events, runTurn, hostConfig, known, agentSessions, profiles),
    profiles,
    agentSessions,

    async create(raw: string, scope: readonly string[] = ['write:/work']) {
      const r = await world.createPod.execute({ name: name(raw), scope: scope.map(rule) });
      if (!r.ok) throw new Error(`create ${raw}: ${r.error.type}`);
      return r.value;
    },
    async peer(a: string, b: string) {
      const r = await world.handshake.execute({ from: name(a), to: name(b), via: 'test' });
      if (!r.ok) throw new Error(`peer ${a} ${b}: ${r.error.type}`);
      return r.value.relation;
    },
    async spawn(parent: string, child: string, scope: readonly string[] = []) {
      const r = await spawnChild.execute({ caller: name(parent), name: name(child), scope: scope.map(rule), task: body(`task for ${child}`) });
      if (!r.ok) throw new Error(`spawn ${child}: ${r.error.type}`);
      return r.value;
    },
    /** Makes `pod` live on a host (this one unless told) with the given runtime status, driven by its model unless told. */
    async goLive(pod: string, status: RuntimeStatus = 'idle', hostId = host.hostId, driver: PodDriver = 'model') {
      const now = clock.now();
      await uow.run(async (r) => {
        const taken = await r.leases.tryAcquire(name(pod), hostId, now, new Date(now.getTime() + 10_000), driver);
        if (!taken.acquired) throw new Error(`lease on ${pod} held by ${taken.heldBy.hostId}`);
        await r.leases.renew(name(pod), hostId, now, new Date(now.getTime() + 10_000), status);
      });
    },
    async goStopped(pod: string) {
      await uow.run((r) => r.leases.revoke(name(pod)));
    },
    async append(pod: string, entry: HistoryEntryBody) {
      return uow.run((r) => r.history.append(name(pod), entry, clock.now()));
    },
    async history(pod: string) {
      return uow.run((r) => r.history.read(name(pod)));
    },
    async tool(caller: string, tool: string, input: unknown): Promise<ToolResult> {
      return world.tools.execute(name(caller), tool, input);
    },
  };
  return world;
}
export type World = ReturnType<typeof makeWorld>;

/** The event stream of a test store (its units of work publish on it); one of its own for a store that has none. */
export function eventsOf(uow: UnitOfWork): PodEvents {
  return 'events' in uow && uow.events instanceof PodEventStream ? uow.events : new PodEventStream();
}
