import { parseArgs, type ParseArgsConfig } from 'node:util';
import { displayValue } from '../../domain/display.js';
import { parseArgsProblem } from '../presentation/parse-options.js';
import { didYouMean } from './did-you-mean.js';
import type { CliCommand, CommandRun, ControlRun, OptionValues, ProfileRun } from './cli-command.js';

export const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Commands SPEC §6 names that this build does not have yet, and what to call them. */
const UNAVAILABLE: ReadonlyMap<string, string> = new Map();

export type CommandLine =
  | { readonly type: 'help'; readonly command?: CliCommand }
  | { readonly type: 'version' }
  | { readonly type: 'unavailable'; readonly feature: string }
  | { readonly type: 'usage'; readonly message: string; readonly command?: CliCommand }
  | { readonly type: 'run'; readonly command: CliCommand; readonly run: CommandRun | ControlRun | ProfileRun; readonly db?: string };

/** A lenient `util.parseArgs` finds the command (and `--help`), then a strict one checks its options. */
export function parseCommandLine(argv: readonly string[], commands: readonly CliCommand[], cwd: string): CommandLine {
  const { tokens } = parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional');
  const name = first?.kind === 'positional' ? first.value : undefined;
  const command = commands.find((c) => c.name === name);
  const wantsHelp = tokens.some((t) => t.kind === 'option' && t.name === 'help');
  const wantsVersion = tokens.some((t) => t.kind === 'option' && t.name === 'version');

  const unavailable = name === undefined ? undefined : UNAVAILABLE.get(name);
  if (unavailable) return { type: 'unavailable', feature: unavailable };
  const misplaced = first && tokens.find((t) => t.kind === 'option' && t.index < first.index && !Object.hasOwn(GLOBAL_OPTIONS, t.name));
  if (misplaced?.kind === 'option') {
    return { type: 'usage', message: `${misplaced.rawName} is not a global option; put command options after the command` };
  }
  if (name !== undefined && name !== 'help' && !command) return { type: 'usage', message: unknownCommand(name, commands) };
  if (wantsHelp && name !== 'help') return command ? { type: 'help', command } : { type: 'help' };
  if (wantsVersion) return { type: 'version' };

  const strict = strictParse(argv, command);
  if (!strict.ok) return { type: 'usage', message: strict.message, ...(command ? { command } : {}) };
  const [, ...positionals] = strict.positionals;
  if (name === 'help') return helpTopic(positionals, commands);
  // Plain `pods` is the TUI (SPEC §6).
  const chosen = command ?? commands.find((c) => name === undefined && c.name === 'tui');
  if (!chosen) throw new Error(`command ${name ?? 'tui'} vanished`);

  // The command's name is no word of its own (`pods -- ls` puts it after `--`).
  const tail = strict.afterDoubleDash?.slice(Math.max(0, strict.afterDoubleDash.length - positionals.length));
  const run = chosen.parse({ positionals, values: strict.values, cwd, ...(tail ? { afterDoubleDash: tail } : {}) });
  if (!run.ok) return { type: 'usage', message: run.error, command: chosen };
  const db = strict.values['db'];
  return { type: 'run', command: chosen, run: run.value, ...(typeof db === 'string' ? { db } : {}) };
}

type StrictParse =
  | { readonly ok: true; readonly positionals: readonly string[]; readonly afterDoubleDash?: readonly string[]; readonly values: OptionValues }
  | { readonly ok: false; readonly message: string };

function strictParse(argv: readonly string[], command: CliCommand | undefined): StrictParse {
  try {
    const options: NonNullable<ParseArgsConfig['options']> = { ...(command?.options ?? {}), ...GLOBAL_OPTIONS };
    const { args, numbers } = holdNegativeNumbers(argv, options);
    const { tokens, values } = parseArgs({ args, options, strict: true, allowPositionals: true, tokens: true });
    const positionals: string[] = [];
    let next = 0;
    let doubleDashAt: number | undefined;
    for (const token of tokens) {
      if (token.kind === 'option-terminator') {
        // Numbers are only held out before `--`, so each of them lands before it.
        for (; next < numbers.length; next += 1) positionals.push(numbers[next]?.value ?? '');
        doubleDashAt = positionals.length;
      }
      if (token.kind !== 'positional') continue;
      for (; next < numbers.length && (numbers[next]?.at ?? Infinity) <= token.index; next += 1) positionals.push(numbers[next]?.value ?? '');
      positionals.push(token.value);
    }
    for (; next < numbers.length; next += 1) positionals.push(numbers[next]?.value ?? '');
    return { ok: true, positionals, values, ...(doubleDashAt !== undefined ? { afterDoubleDash: positionals.slice(doubleDashAt) } : {}) };
  } catch (error) {
    const problem = parseArgsProblem(error);
    if (problem === undefined) throw error;
    return { ok: false, message: problem };
  }
}

const NEGATIVE_NUMBER = /^-\d/;

/** `util.parseArgs` takes `-1` for an option; held out as a value, the command's own check names the valid range. */
function holdNegativeNumbers(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
): { readonly args: string[]; readonly numbers: readonly { readonly at: number; readonly value: string }[] } {
  const args: string[] = [];
  const numbers: { at: number; value: string }[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (!NEGATIVE_NUMBER.test(arg)) {
      args.push(arg);
      continue;
    }
    const previous = args.at(-1);
    const key = previous?.startsWith('--') && !previous.includes('=') ? previous.slice(2) : undefined;
    const option = key !== undefined && Object.hasOwn(options, key) ? options[key] : undefined;
    if (option?.type === 'string') args[args.length - 1] = `${previous}=${arg}`;
    else numbers.push({ at: args.length, value: arg });
  }
  return { args, numbers };
}

function helpTopic(positionals: readonly string[], commands: readonly CliCommand[]): CommandLine {
  const [topic, ...extra] = positionals;
  if (extra.length > 0) return { type: 'usage', message: 'help takes at most one command name' };
  // `help` is not in the command list; the global help is its help.
  if (topic === undefined || topic === 'help') return { type: 'help' };
  const command = commands.find((c) => c.name === topic);
  return command ? { type: 'help', command } : { type: 'usage', message: unknownCommand(topic, commands) };
}

function unknownCommand(name: string, commands: readonly CliCommand[]): string {
  const meant = didYouMean(name, [...commands.map((c) => c.name), 'help']);
  return `unknown command ${quote(name)}${meant ? ` (did you mean \`${meant}\`?)` : ''}`;
}

const quote = (raw: string): string => `\`${displayValue(raw)}\``;
