import type { ServiceIdentifier } from 'inversify';

/** What a host needs to run agent-driven Pods beyond the profiles. */
export type AgentHostConfig = {
  /** `$PODS_HOME`: each agent-driven Pod gets its own directory under `agents/`. */
  readonly home: string;
  /** The host's environment, from which a profile's `passEnv` names are taken (nothing else of it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How long an agent may take to start and answer `initialize` and the session request. */
  readonly startTimeoutMs: number;
  /** After `session/cancel`, how long the agent has to end its prompt before its processes are killed. */
  readonly cancelGraceMs: number;
  /** An agent that sends nothing for this long during a prompt is taken for hung: killed, the turn errored. */
  readonly silenceMs: number;
};
export const DEFAULT_AGENT_HOST_TIMING = { startTimeoutMs: 60_000, cancelGraceMs: 5_000, silenceMs: 10 * 60_000 } as const;
export const AGENT_HOST_CONFIG = Symbol.for('AgentHostConfig') as ServiceIdentifier<AgentHostConfig>;
