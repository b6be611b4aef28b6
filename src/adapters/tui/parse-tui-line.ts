import { displayValue } from '../../domain/display.js';
import { err, ok, type Result } from '../../domain/result.js';
import { usageOf, type ColonCommand, type ColonRun, type Param, type ParseContext } from './colon-command.js';

export type TuiLine =
  | { readonly type: 'blank' }
  | { readonly type: 'message'; readonly text: string }
  | { readonly type: 'command'; readonly command: ColonCommand; readonly run: ColonRun }
  /** A `:` line that cannot run: the one-line reason. It never becomes a message. */
  | { readonly type: 'diagnostic'; readonly message: string };

/** A line whose first non-blank character is `:` is a command; `::` escapes a message that starts with a colon. */
export function parseTuiLine(line: string, context: ParseContext): TuiLine {
  const trimmed = line.trim();
  if (trimmed === '') return { type: 'blank' };
  if (isMessageLine(line)) return { type: 'message', text: trimmed.startsWith('::') ? line.trimStart().slice(1) : line };
  const body = trimmed.slice(1);
  const name = /^\S*/.exec(body)?.[0] ?? '';
  if (name === '') return diagnostic('an empty command; `:help` lists the commands');
  const command = context.commands.find((c) => c.name === name);
  if (!command) return diagnostic(`unknown command \`:${displayValue(name)}\`; \`:help\` lists the commands`);
  const args = splitArgs(body.slice(name.length), command.params);
  if (!args.ok) return diagnostic(`:${name}: ${args.error}; usage: ${usageOf(command)}`);
  const run = command.parse(args.value, context);
  return run.ok ? { type: 'command', command, run: run.value } : diagnostic(`:${name}: ${run.error}`);
}

export function isMessageLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== '' && (!trimmed.startsWith(':') || trimmed.startsWith('::'));
}

export function splitArgs(text: string, params: readonly Param[]): Result<readonly string[], string> {
  const args: string[] = [];
  let remaining = text.trim();
  for (const param of params) {
    if (remaining === '') break;
    if (param.rest) {
      args.push(remaining);
      remaining = '';
      break;
    }
    const word = /^(\S+)\s*/.exec(remaining);
    args.push(word?.[1] ?? remaining);
    remaining = remaining.slice(word?.[0].length ?? remaining.length);
  }
  if (remaining !== '') return err(params.length === 0 ? 'takes no arguments' : 'too many arguments');
  const missing = params.slice(args.length).find((p) => !p.optional);
  return missing ? err(`<${missing.name}> is missing`) : ok(args);
}

const diagnostic = (message: string): TuiLine => ({ type: 'diagnostic', message });
