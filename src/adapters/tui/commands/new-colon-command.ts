import { describeCreatePodError } from '../../../application/use-cases/create-pod.js';
import { ProfileName } from '../../../domain/profile-name.js';
import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg } from '../../presentation/argument-readers.js';
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
  parse([raw = '', options]) {
    const name = podNameArg(raw);
    if (!name.ok) return name;
    // `--profile P`, or P alone; the name itself is checked when it runs, against this host's profiles.
    const words = options?.trim().split(/\s+/) ?? [];
    if (words[0] === '--profile') words.shift();
    if (words.length > 1) return err('expected at most `--profile P` after the name');
    const requested = words[0];
    return ok(async (session) => {
      let profile: ProfileName | undefined;
      if (requested !== undefined) {
        const parsed = ProfileName.parse(requested);
        if (!parsed.ok) return session.refuse(ProfileName.describe(parsed.error));
        profile = parsed.value;
      }
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
