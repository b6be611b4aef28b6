import type { CreatePodError } from '../../../application/use-cases/create-pod.js';
import { displayValue } from '../../../domain/display.js';
import { describeProfileChoiceRefusal } from '../../../domain/profile-choice.js';
import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg, positionalArgs } from '../argument-readers.js';
import { EXIT, refuse, type CliCommand } from '../cli-command.js';
import { printable } from '../printable.js';

export const createCommand: CliCommand = {
  name: 'create',
  usage: 'create NAME [--scope read|write:/abs/path]…',
  summary: 'create a top-level Pod with an empty history',
  details:
    'Creates the Pod NAME. Each --scope grants it one recursive filesystem rule; with none, it gets\n' +
    'write access to the current directory, recursively. The Pod can later lend parts of its\n' +
    'scope to the children it spawns.\n\n' +
    'Exit codes: 0 created; 1 a Pod with that name exists; 2 bad name, bad scope or store error.',
  options: { scope: { type: 'string', multiple: true } },
  optionHelp: [['--scope read|write:/abs/path', 'grant a recursive rule (repeatable; default write:$PWD)']],
  parse(args) {
    const positionals = positionalArgs(args, ['NAME']);
    if (!positionals.ok) return positionals;
    const name = podNameArg(positionals.value[0] ?? '');
    if (!name.ok) return name;
    const raws = args.values['scope'];
    const scope: ScopeRule[] = [];
    for (const raw of Array.isArray(raws) ? raws.map(String) : [`write:${args.cwd}`]) {
      const rule = ScopeRule.parseShorthand(raw);
      if (!rule.ok) return err(`--scope ${displayValue(raw)}: ${ScopeRule.describeError(rule.error)}`);
      scope.push(rule.value);
    }
    return ok(async ({ app, out }) => {
      const result = await app.createPod.execute({ name: name.value, scope });
      if (!result.ok) return refuse(out, describe(result.error));
      out.line(`created pod \`${result.value.name}\` with scope ${printable(result.value.scope.map(ScopeRule.describe).join(', '))}`);
      return EXIT.ok;
    });
  },
};

function describe(error: CreatePodError): string {
  switch (error.type) {
    case 'PodAlreadyExists':
      return `a pod named \`${error.name}\` already exists`;
    case 'UnknownProfile':
      return describeProfileChoiceRefusal(error);
  }
}
