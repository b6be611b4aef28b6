import type { HostRuntime } from './host/host-runtime.js';
import type { LeaseWatch } from './host/lease-watch.js';
import type { AgentSessions } from './host/agent-sessions.js';
import type { StoreFollower } from './host/store-follower.js';
import type { PodEvents } from './ports/pod-events.js';
import type { ProfileCatalog } from './ports/profile-catalog.js';
import type { PodTools } from './tools/pod-tools.js';
import type { CancelTurn } from './use-cases/cancel-turn.js';
import type { CreatePod } from './use-cases/create-pod.js';
import type { ExplainEntry } from './use-cases/explain-entry.js';
import type { FollowHistory } from './use-cases/follow-history.js';
import type { InitiatePeerHandshake } from './use-cases/initiate-peer-handshake.js';
import type { ListAllPods } from './use-cases/list-all-pods.js';
import type { ListPods } from './use-cases/list-pods.js';
import type { OverviewPods } from './use-cases/overview-pods.js';
import type { ReadHistory } from './use-cases/read-history.js';
import type { ReadRecentHistory } from './use-cases/read-recent-history.js';
import type { ReadRemovedHistory } from './use-cases/read-removed-history.js';
import type { RemovePeer } from './use-cases/remove-peer.js';
import type { RemovePod } from './use-cases/remove-pod.js';
import type { SubmitOperatorInput } from './use-cases/submit-operator-input.js';
import type { TakeUnseenInbound } from './use-cases/take-unseen-inbound.js';

/** Everything the driving adapters (CLI, TUI, `pods mcp`) use, handed to them by the composition root so none reaches into the container. */
export type PodsApp = {
  /** The seven LLM tools: what a model, `pods tool`, `:tool`, `:restore` and MCP clients call. */
  readonly tools: PodTools;
  /** This process as a host: leases and turns of the Pods it runs. */
  readonly runtime: HostRuntime;
  /** `pods serve` without `--pod`: makes the runtime take every Pod no host runs, as they appear. */
  readonly follower: StoreFollower;
  /** A TUI viewing a Pod another host runs: takes it over when that host leaves. */
  readonly leaseWatch: LeaseWatch;
  /**
   * The one stream of what happens to Pods: commits (from every process), the turns and
   * runtime of this process's host, and (on a SQL store) the turns other processes run.
   */
  readonly events: PodEvents;
  /** The agents of this host's agent-driven Pods; `discard` removes a removed Pod's agent state. */
  readonly agents: AgentSessions;
  /** How this host can run Pods: `default` and the profiles of `$PODS_HOME/profiles.json`. */
  readonly profiles: ProfileCatalog;
  /** The id this process holds leases under. */
  readonly hostId: string;
  readonly createPod: CreatePod;
  /** Ctrl+C for a turn another process runs: asks its host, which answers on the stream. */
  readonly cancelTurn: CancelTurn;
  readonly listAllPods: ListAllPods;
  readonly listPods: ListPods;
  /** The dashboard's read: every Pod with its status, unseen input, last activity, peers and breaker. */
  readonly overviewPods: OverviewPods;
  readonly readHistory: ReadHistory;
  /** What attaching needs of a history (its head, last entries, unseen input), bounded whatever its length. */
  readonly readRecentHistory: ReadRecentHistory;
  readonly explainEntry: ExplainEntry;
  readonly initiatePeerHandshake: InitiatePeerHandshake;
  readonly removePeer: RemovePeer;
  readonly removePod: RemovePod;
  readonly readRemovedHistory: ReadRemovedHistory;
  readonly submitOperatorInput: SubmitOperatorInput;
  readonly takeUnseenInbound: TakeUnseenInbound;
  readonly followHistory: FollowHistory;
};
