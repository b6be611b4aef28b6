import { ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg } from '../../cli/argument-readers.js';
import { printable } from '../../cli/printable.js';
import type { ColonCommand } from '../colon-command.js';

export const newColonCommand: ColonCommand = {
  name: 'new',
  params: [{ name: 'name' }],
  summary: 'create a top-level Pod',
  details:
    'Creates the Pod <name> with an empty history and write access to the directory the TUI was\n' +
    'started in, recursively, as `pods create` does (use `pods create --scope` for other grants).\n' +
    'It is not started and stays attached where you are: `:attach <name>` switches to it, and it\n' +
    'has no relation to any Pod until you `:peer` it.',
  parse([raw = '']) {
    const name = podNameArg(raw);
    if (!name.ok) return name;
    return ok(async (session) => {
      const rule = ScopeRule.parseShorthand(`write:${session.cwd}`);
      if (!rule.ok) return session.refuse(`cannot grant the current directory: ${ScopeRule.describeError(rule.error)}`);
      const created = await session.app.createPod.execute({ name: name.value, scope: [rule.value] });
      if (!created.ok) return session.refuse(`a pod named \`${name.value}\` already exists; \`:attach ${name.value}\` switches to it`);
      session.say(`created pod \`${name.value}\` with scope ${printable(ScopeRule.describe(rule.value))}; \`:attach ${name.value}\` switches to it`);
    });
  },
};
