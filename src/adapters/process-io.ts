import type { Readable, Writable } from 'node:stream';

// Neither the CLI's nor the TUI's: every surface the process runs imports it.

/** 0: done. 1: the system said no (a refusal, a tool error). 2: the command could not run as asked (usage, store). */
export type ExitCode = 0 | 1 | 2;
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const satisfies Record<string, ExitCode>;

export type ProcessSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const PROCESS_SIGNALS: readonly ProcessSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** `ignored`: the command went on (a Ctrl+C that cleared a line, cancelled a turn or reached the editor). */
export type SignalHandler = () => void | 'ignored';

export type ProcessIo = {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly onSignal: (signal: ProcessSignal, handler: SignalHandler) => () => void;
  /** From then on no signal kills the process by its default action, so it always gets to give its leases back. */
  readonly holdSignals?: () => void;
  /** `$PODS_HOME`, where the TUI keeps its line history; none (tests): history lives only in memory. */
  readonly podsHome?: string;
  readonly editor?: string;
  readonly noColor?: boolean;
  /** `pods mcp` run by its guardian (src/adapters/mcp/mcp-guardian.ts): resolves when the guardian is gone. */
  readonly guardianGone?: Promise<void>;
};
