import type { PodName } from '../../domain/pod-name.js';

/** One ACP session id per Pod, in the store, so any host that takes the Pod over on this machine can `session/load` it. */
export interface AgentSessionRepository {
  get(pod: PodName): Promise<string | undefined>;
  save(pod: PodName, sessionId: string, at: Date): Promise<void>;
}
