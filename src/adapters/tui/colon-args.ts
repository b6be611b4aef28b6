import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNameArg } from '../cli/argument-readers.js';
import { usageOf, type ColonCommand } from './colon-command.js';

/**
 * The Pod a `:peer`-like command names, or undefined when a picker may choose it: with no
 * terminal there is no picker, so the name is required.
 */
export function podOrPicker(command: ColonCommand, raw: string | undefined, interactive: boolean): Result<PodName | undefined, string> {
  if (raw !== undefined) return podNameArg(raw);
  return interactive ? ok(undefined) : err(`name a Pod (there is no picker when input is not a terminal); usage: ${usageOf(command)}`);
}
