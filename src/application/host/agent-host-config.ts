import type { ServiceIdentifier } from 'inversify';

export type AgentHostConfig = {
  readonly home: string;
  /** The host's environment, from which a profile's `passEnv` names are taken (nothing else of it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startTimeoutMs: number;
  /** After `session/cancel`, how long the agent has to end its prompt before its processes are killed. */
  readonly cancelGraceMs: number;
  /** An agent that sends nothing for this long during a prompt is taken for hung: killed, the turn errored. */
  readonly silenceMs: number;
};
export const DEFAULT_AGENT_HOST_TIMING = { startTimeoutMs: 60_000, cancelGraceMs: 5_000, silenceMs: 10 * 60_000 } as const;
export const AGENT_HOST_CONFIG = Symbol.for('AgentHostConfig') as ServiceIdentifier<AgentHostConfig>;
