import type { Readable, Writable } from 'node:stream';

// What a surface the `pods` process runs (a command, the TUI, the dashboard) takes from the
// process and gives back to it; neither the CLI's nor the TUI's, so both import it.

/** 0: done. 1: the system said no (a refusal, a tool error). 2: the command could not run as asked (usage, store). */
export type ExitCode = 0 | 1 | 2;
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const satisfies Record<string, ExitCode>;

/** The signals a long-running command stops on: Ctrl+C, `kill`, and its terminal closing. */
export type ProcessSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const PROCESS_SIGNALS: readonly ProcessSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * What a handler made of a signal: nothing returned, the command stops; `ignored`, it went on
 * (the TUI's Ctrl+C that clears a line or cancels a turn, or reaches the editor of `:edit`).
 */
export type SignalHandler = () => void | 'ignored';

/** What a long-running command (`tui`, `serve`) takes from its process; injected so tests can drive it. */
export type ProcessIo = {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable & { readonly isTTY?: boolean };
  /** Registers a handler for SIGINT, SIGTERM or SIGHUP; returns the function that removes it. */
  readonly onSignal: (signal: ProcessSignal, handler: SignalHandler) => () => void;
  /**
   * Called by a command before it takes leases (`tui`, `serve`, `mcp`): from then on no signal
   * kills the process by its default action, so it always gets to give its leases back; a
   * second signal once it is stopping exits at once (see `signalGate`). Tests may leave it out.
   */
  readonly holdSignals?: () => void;
  /** `$PODS_HOME`, where the TUI keeps its line history; none (tests): history lives only in memory. */
  readonly podsHome?: string;
  /** The command line `:edit` runs: `$VISUAL`, else `$EDITOR`; none: `vi`. */
  readonly editor?: string;
  /** `NO_COLOR` is set (no-color.org): the TUI and the dashboard write no colour. */
  readonly noColor?: boolean;
  /** `pods mcp` run by its guardian (src/adapters/mcp/mcp-guardian.ts): resolves when the guardian is gone. */
  readonly guardianGone?: Promise<void>;
};
