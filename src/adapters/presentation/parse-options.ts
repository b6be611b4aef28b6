import { parseArgs, type ParseArgsConfig } from 'node:util';
import { err, ok, type Result } from '../../domain/result.js';

export type ParsedOptions = {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | readonly (string | boolean)[] | undefined>>;
};

/** Options read alike by `pods` and by a TUI colon command that has them (`:new` as `pods create`). */
export function parseOptions(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): Result<ParsedOptions, string> {
  try {
    const { positionals, values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return ok({ positionals, values });
  } catch (error) {
    const problem = parseArgsProblem(error);
    if (problem === undefined) throw error;
    return err(problem);
  }
}

/** What `util.parseArgs` refused, as one clause; undefined for any other error. */
export function parseArgsProblem(error: unknown): string | undefined {
  if (!(error instanceof TypeError) || !('code' in error) || !String(error.code).startsWith('ERR_PARSE_ARGS')) return undefined;
  // Node's messages run to several sentences; the first one says what is wrong.
  const first = (error.message.split(/\.(\s|$)/)[0] ?? error.message).trim();
  return first.charAt(0).toLowerCase() + first.slice(1);
}
