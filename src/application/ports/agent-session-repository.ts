import type { PodName } from '../../domain/pod-name.js';

/**
 * The agent session an agent-driven Pod resumes: one ACP session id per Pod, kept in the
 * store so any host that takes the Pod over on the same machine can `session/load` it.
 */
export interface AgentSessionRepository {
  get(pod: PodName): Promise<string | undefined>;
  save(pod: PodName, sessionId: string, at: Date): Promise<void>;
}
