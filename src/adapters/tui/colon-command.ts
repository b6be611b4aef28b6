import type { Result } from '../../domain/result.js';
import type { PodSource } from './pod-candidates.js';
import type { TuiSession } from './tui-session.js';

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

export type ColonRun = (session: TuiSession) => Promise<void>;

/** Usage is derived from `params`, so help, completion and the arity check cannot disagree. */
export type ColonCommand = {
  readonly name: string;
  readonly params: readonly Param[];
  readonly summary: string;
  readonly details: string;
  readonly parse: (args: readonly string[], context: ParseContext) => Result<ColonRun, string>;
};

export function usageOf(command: ColonCommand): string {
  return [`:${command.name}`, ...command.params.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`))].join(' ');
}
