import type { RealAgent } from './real-agents.js';

/** What each pinned agent is known to do that a driver must allow for (each one is asserted by test/e2e/real-agents.e2e.test.ts). */
export type AgentTraits = {
  /**
   * The first prompt after a cancelled one ends at once (`end_turn`, no tokens) and its answer
   * is left for the prompt after it: claude-agent-acp 0.23.1 leaves the cancelled turn's idle
   * state to the next prompt (fixed upstream in 0.24.1). Ending the process and loading the
   * session clears it.
   */
  readonly promptAfterCancelIsStale: boolean;
  /**
   * After a cancel the agent closes the model request it abandoned. Codex does not: the stream
   * stays open until the server ends it (or Codex's own idle timeout, 5 minutes by default).
   */
  readonly closesCancelledModelStream: boolean;
  /**
   * A KILL soon after a turn's end can lose that turn: Claude Code writes its transcript every
   * 100 ms, so `session/load` may then replay the prompt without the answer, or (when nothing
   * of a new session was written) refuse the session ("Resource not found"). TERM lets it
   * write: end agents with TERM first.
   */
  readonly mayLoseLastTurnOnKill: boolean;
};

export const AGENT_TRAITS: Readonly<Record<RealAgent, AgentTraits>> = {
  claude: { promptAfterCancelIsStale: true, closesCancelledModelStream: true, mayLoseLastTurnOnKill: true },
  codex: { promptAfterCancelIsStale: false, closesCancelledModelStream: false, mayLoseLastTurnOnKill: false },
  opencode: { promptAfterCancelIsStale: false, closesCancelledModelStream: true, mayLoseLastTurnOnKill: false },
};
