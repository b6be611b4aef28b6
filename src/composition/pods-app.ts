import type { Container } from 'inversify';
import { HostRuntime } from '../application/host/host-runtime.js';
import { LeaseWatch } from '../application/host/lease-watch.js';
import { AgentSessions } from '../application/host/agent-sessions.js';
import { StoreFollower } from '../application/host/store-follower.js';
import type { PodsApp } from '../application/pods-app.js';
import { POD_EVENTS } from '../application/ports/pod-events.js';
import { POD_HOST } from '../application/ports/pod-host.js';
import { PROFILE_CATALOG } from '../application/ports/profile-catalog.js';
import { PodTools } from '../application/tools/pod-tools.js';
import { CancelTurn } from '../application/use-cases/cancel-turn.js';
import { CreatePod } from '../application/use-cases/create-pod.js';
import { ExplainEntry } from '../application/use-cases/explain-entry.js';
import { FollowHistory } from '../application/use-cases/follow-history.js';
import { InitiatePeerHandshake } from '../application/use-cases/initiate-peer-handshake.js';
import { ListAllPods } from '../application/use-cases/list-all-pods.js';
import { ListPods } from '../application/use-cases/list-pods.js';
import { OverviewPods } from '../application/use-cases/overview-pods.js';
import { ReadHistory } from '../application/use-cases/read-history.js';
import { ReadRecentHistory } from '../application/use-cases/read-recent-history.js';
import { ReadRemovedHistory } from '../application/use-cases/read-removed-history.js';
import { RemovePeer } from '../application/use-cases/remove-peer.js';
import { RemovePod } from '../application/use-cases/remove-pod.js';
import { SubmitOperatorInput } from '../application/use-cases/submit-operator-input.js';
import { TakeUnseenInbound } from '../application/use-cases/take-unseen-inbound.js';

/** Resolved on first use: a command that runs no host never activates `HostRuntime`, whose close gives leases back. */
export function podsApp(container: Container): PodsApp {
  return {
    get tools() { return container.get(PodTools); },
    get runtime() { return container.get(HostRuntime); },
    get follower() { return container.get(StoreFollower); },
    get leaseWatch() { return container.get(LeaseWatch); },
    get events() { return container.get(POD_EVENTS); },
    get agents() { return container.get(AgentSessions); },
    get profiles() { return container.get(PROFILE_CATALOG); },
    get hostId() { return container.get(POD_HOST).hostId; },
    get createPod() { return container.get(CreatePod); },
    get cancelTurn() { return container.get(CancelTurn); },
    get listAllPods() { return container.get(ListAllPods); },
    get listPods() { return container.get(ListPods); },
    get overviewPods() { return container.get(OverviewPods); },
    get readHistory() { return container.get(ReadHistory); },
    get readRecentHistory() { return container.get(ReadRecentHistory); },
    get explainEntry() { return container.get(ExplainEntry); },
    get initiatePeerHandshake() { return container.get(InitiatePeerHandshake); },
    get removePeer() { return container.get(RemovePeer); },
    get removePod() { return container.get(RemovePod); },
    get readRemovedHistory() { return container.get(ReadRemovedHistory); },
    get submitOperatorInput() { return container.get(SubmitOperatorInput); },
    get takeUnseenInbound() { return container.get(TakeUnseenInbound); },
    get followHistory() { return container.get(FollowHistory); },
  };
}
