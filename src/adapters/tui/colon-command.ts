import type { Result } from '../../domain/result.js';
import type { PodSource } from './pod-candidates.js';
import type { TuiSession } from './tui-session.js';

/** Where Tab finds candidates for an argument: command names, tool names, or Pods (see `podCandidates`). */
export type Completion = 'command' | 'tool' | PodSource;

export type Param = {
  readonly name: string;
  readonly optional?: true;
  /** Takes the rest of the line, spaces included (a JSON document). */
  readonly rest?: true;
  readonly completes?: Completion;
};

export type ParseContext = {
  /** A terminal: a picker may stand in for a missing Pod name. */
  readonly interactive: boolean;
  readonly commands: readonly ColonCommand[];
};

/** A checked command line, ready to run against the session. */
export type ColonRun = (session: TuiSession) => Promise<void>;

/**
 * One `:` command of the TUI. Its usage is derived from `params`, so help, completion and
 * the arity check cannot disagree.
 */
export type ColonCommand = {
  readonly name: string;
  readonly params: readonly Param[];
  readonly summary: string;
  /** What it does and where its power ends, for `:help <command>`. */
  readonly details: string;
  /**
   * Checks the arguments (already split to fit `params`) before anything runs; an error
   * is the one-line diagnostic.
   */
  readonly parse: (args: readonly string[], context: ParseContext) => Result<ColonRun, string>;
};

export function usageOf(command: ColonCommand): string {
  return [`:${command.name}`, ...command.params.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`))].join(' ');
}
