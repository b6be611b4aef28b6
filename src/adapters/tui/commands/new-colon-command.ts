import { describeCreatePodError } from '../../../application/use-cases/create-pod.js';
import { ProfileName } from '../../../domain/profile-name.js';
import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { parseOptions } from '../../presentation/parse-options.js';
import { printable } from '../../presentation/printable.js';
import type { ColonCommand } from '../colon-command.js';

export const newColonCommand: ColonCommand = {
  name: 'new',
  params: [{ name: 'name' }, { name: '--profile P', optional: true, rest: true }],
  summary: 'create a top-level Pod',
  details:
    'Creates the Pod <name> with an empty history and write access to the directory the TUI was\n' +
    'started in, recursively, as `pods create` does (use `pods create --scope` for other grants).\n' +
    'With --profile P it runs with that profile of this host (a coding agent; `pods profile ls`\n' +
    'lists them), else with `default`, the host\'s model. It is not started and stays attached\n' +
    'where you are: `:attach <name>` switches to it, and it has no relation to any Pod until you\n' +
    '`:peer` it.',
  parse([raw = '', rest]) {
    // Read as `pods create` reads its words, so both refuse a missing value, an unknown option and an extra word alike.
    const parsed = parseOptions([raw, ...(rest?.trim().split(/\s+/) ?? [])], { profile: { type: 'string' } });
    if (!parsed.ok) return parsed;
    const { positionals, values } = parsed.value;
    if (positionals.length !== 1) return err(`expected 1 argument (name), got ${positionals.length}`);
    const name = podNameArg(positionals[0] ?? '');
    if (!name.ok) return name;
    const requested = values['profile'];
    const parsedProfile = typeof requested === 'string' ? ProfileName.parse(requested) : undefined;
    if (parsedProfile && !parsedProfile.ok) return err(`--profile: ${ProfileName.describe(parsedProfile.error)}`);
    const profile = parsedProfile?.value;
    return ok(async (session) => {
      const rule = ScopeRule.parseShorthand(`write:${session.cwd}`);
      if (!rule.ok) return session.refuse(`cannot grant the current directory: ${ScopeRule.describeError(rule.error)}`);
      const created = await session.app.createPod.execute({ name: name.value, scope: [rule.value], ...(profile ? { profile } : {}) });
      if (!created.ok) {
        const hint = created.error.type === 'PodAlreadyExists' ? `; \`:attach ${name.value}\` switches to it` : '';
        return session.refuse(`${describeCreatePodError(created.error)}${hint}`);
      }
      const runs = profile ? ` and profile \`${profile}\`` : '';
      session.say(`created pod \`${name.value}\` with scope ${printable(ScopeRule.describe(rule.value))}${runs}; \`:attach ${name.value}\` switches to it`);
    });
  },
};
