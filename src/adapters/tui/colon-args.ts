import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNameArg } from '../presentation/argument-readers.js';
import { usageOf, type ColonCommand } from './colon-command.js';
import type { PodSource } from './pod-candidates.js';
import type { TuiSession } from './tui-session.js';

/** The Pod a command acts on, named on the line or picked when it runs; undefined: nothing picked. */
export type PodTarget = (session: TuiSession) => Promise<PodName | undefined>;

export type Picker = {
  readonly source: PodSource;
  readonly ask: (attached: PodName) => string;
  readonly noneLeft: (attached: PodName) => string;
};

/** With no terminal there is no picker, so the name is required. */
export function podOrPicker(command: ColonCommand, raw: string | undefined, interactive: boolean, picker: Picker): Result<PodTarget, string> {
  if (raw !== undefined) {
    const named = podNameArg(raw);
    return named.ok ? ok(async () => named.value) : named;
  }
  if (!interactive) return err(`name a Pod (there is no picker when input is not a terminal); usage: ${usageOf(command)}`);
  return ok((session) => session.choosePod(picker.ask(session.attached), picker.source, picker.noneLeft(session.attached)));
}
