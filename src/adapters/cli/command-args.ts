import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNameArg, wholeNumber } from '../presentation/argument-readers.js';
import type { CommandArgs } from './cli-command.js';

export function positionalArgs(args: CommandArgs, names: readonly string[]): Result<readonly string[], string> {
  const got = args.positionals.length;
  if (got === names.length) return ok(args.positionals);
  if (names.length === 0) return err(`takes no arguments, got ${got}`);
  return err(`expected ${names.length} argument${names.length === 1 ? '' : 's'} (${names.join(' ')}), got ${got}`);
}

export function podPairArgs(args: CommandArgs): Result<readonly [PodName, PodName], string> {
  const arity = positionalArgs(args, ['A', 'B']);
  if (!arity.ok) return arity;
  const [a = '', b = ''] = arity.value;
  const from = podNameArg(a);
  if (!from.ok) return from;
  const to = podNameArg(b);
  return to.ok ? ok([from.value, to.value]) : to;
}

export function flag(args: CommandArgs, name: string): boolean {
  return args.values[name] === true;
}

export function countOption(args: CommandArgs, name: string, min: number): Result<number | undefined, string> {
  const raw = args.values[name];
  if (typeof raw !== 'string') return ok(undefined);
  return wholeNumber(`--${name}`, raw, min);
}
