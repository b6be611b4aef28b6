import { describeCreatePodError } from '../../../application/use-cases/create-pod.js';
import { displayValue } from '../../../domain/display.js';
import { ProfileName } from '../../../domain/profile-name.js';
import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { printable } from '../../presentation/printable.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { positionalArgs } from '../command-args.js';

export const createCommand: CliCommand = {
  name: 'create',
  usage: 'create NAME [--profile P] [--scope read|write:/abs/path]…',
  summary: 'create a top-level Pod with an empty history',
  details:
    'Creates the Pod NAME. Each --scope grants it one recursive filesystem rule; with none, it gets\n' +
    'write access to the current directory, recursively. The Pod can later lend parts of its\n' +
    'scope to the children it spawns. With --profile P it runs with that profile of this host (a\n' +
    'coding agent; `pods profile ls` lists them); without, with `default`, the host\'s model.\n\n' +
    'Exit codes: 0 created; 1 a Pod with that name exists, or the profile is unknown; 2 bad name,\n' +
    'bad scope or store error.',
  options: { scope: { type: 'string', multiple: true }, profile: { type: 'string' } },
  optionHelp: [
    ['--scope read|write:/abs/path', 'grant a recursive rule (repeatable; default write:$PWD)'],
    ['--profile P', 'run it with profile P of this host (default: `default`, the host\'s model)'],
  ],
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
    const rawProfile = args.values['profile'];
    const profile = typeof rawProfile === 'string' ? ProfileName.parse(rawProfile) : undefined;
    if (profile && !profile.ok) return err(`--profile: ${ProfileName.describe(profile.error)}`);
    return ok(async ({ app, out }) => {
      const result = await app.createPod.execute({ name: name.value, scope, ...(profile?.ok ? { profile: profile.value } : {}) });
      if (!result.ok) return refuse(out, describeCreatePodError(result.error));
      const runs = result.value.profile ? ` and profile \`${result.value.profile}\`` : '';
      out.line(`created pod \`${result.value.name}\` with scope ${printable(result.value.scope.map(ScopeRule.describe).join(', '))}${runs}`);
      return EXIT.ok;
    });
  },
};
