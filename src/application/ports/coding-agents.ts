import type { ServiceIdentifier } from 'inversify';
import type { Confinement } from '../../domain/confinement.js';
import type { PodName } from '../../domain/pod-name.js';
import type { AcpProfile } from '../../domain/profile.js';

/** A stdio MCP server the agent starts for its session: pods' own, acting as the Pod. */
export type McpServerLaunch = {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
};

/** What an agent reported, in pods' terms; the adapter translates the protocol's shapes. */
export type AgentUpdate =
  | { readonly type: 'text'; readonly delta: string }
  | {
      readonly type: 'tool';
      readonly callId: string;
      readonly title?: string;
      readonly toolKind?: string;
      readonly locations?: readonly string[];
      readonly status?: 'pending' | 'in_progress' | 'completed' | 'failed';
      readonly input?: unknown;
      readonly output?: string;
    };

export type AgentStopReason = 'end_turn' | 'max_tokens' | 'max_turn_requests' | 'refusal' | 'cancelled';

export type AgentPermissionRequest = {
  readonly callId: string;
  readonly title: string;
  readonly toolKind?: string;
  /** Locations as the filesystem resolves them now (through links), so a link cannot lead a decision astray. */
  readonly locations: readonly string[];
};

/** Requests an agent makes of pods while it runs that the host decides (and records); file reads and writes the adapter serves from `currentConfinement`. */
export type AgentRequests = {
  readonly permission: (request: AgentPermissionRequest) => Promise<'allow' | 'reject'>;
};

export type AgentLaunch = {
  readonly pod: PodName;
  readonly profile: AcpProfile;
  readonly stateDir: string;
  readonly cwd: string;
  /** What the process may touch, fixed for its lifetime (the OS sandbox): a change of scope restarts it. */
  readonly confinement: Confinement;
  /** What the Pod may touch now (a loan made this turn counts): pods' own file methods check it on every call. */
  readonly currentConfinement: () => Promise<Confinement>;
  readonly mcpServer: McpServerLaunch;
  readonly requests: AgentRequests;
  /** The host's environment, from which the profile's `passEnv` names are taken (nothing else of it). */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
};

/** A running, initialized agent process. Every method rejects with `AgentFailure` when the agent cannot answer. */
export interface AgentProcess {
  readonly canLoad: boolean;
  readonly confined: boolean;
  newSession(): Promise<string>;
  /** Resumes `sessionId`; false when the agent no longer knows it. Updates it replays are not reported. */
  loadSession(sessionId: string): Promise<boolean>;
  prompt(sessionId: string, text: string, onUpdate: (update: AgentUpdate) => void): Promise<AgentStopReason>;
  cancel(sessionId: string): Promise<void>;
  /** Ends the process and everything it started (its process group); resolves once they are gone. */
  stop(): Promise<void>;
  /** Resolves (never rejects) when the process has exited, with one line saying how. */
  readonly exited: Promise<string>;
}

/** The agent failed: it would not start, exited, broke the protocol or did not answer in time. One line. */
export class AgentFailure extends Error {
  override readonly name = 'AgentFailure';
}

/** Starts coding agents (one process each, in its own process group) and speaks ACP with them. */
export interface CodingAgents {
  start(launch: AgentLaunch): Promise<AgentProcess>;
  /** Deletes a Pod's state directory (its agent's home, sessions, log); a link there is removed, never followed. */
  removeState(stateDir: string): Promise<'removed' | 'none'>;
}
export const CODING_AGENTS = Symbol.for('CodingAgents') as ServiceIdentifier<CodingAgents>;

/** pods' own MCP server for one Pod, reachable by that Pod's agent only; what it starts for its session. */
export interface PodToolChannels {
  /** Every call through it runs as `pod` with `secrets` (what its agent holds) in its context: masked from all it writes. */
  open(pod: PodName, stateDir: string, secrets: readonly string[]): Promise<McpServerLaunch>;
  close(pod: PodName): Promise<void>;
}
export const POD_TOOL_CHANNELS = Symbol.for('PodToolChannels') as ServiceIdentifier<PodToolChannels>;
