import { ok } from '../../../domain/result.js';
import type { ColonCommand } from '../colon-command.js';
import { renderTuiHelp } from '../render-tui-help.js';

export const helpColonCommand: ColonCommand = {
  name: 'help',
  params: [{ name: 'command', optional: true, completes: 'command' }],
  summary: 'list the commands, or explain one',
  details:
    'Without an argument: every command with its usage, and what plain input and the keys do.\n' +
    'With a command name (with or without its colon): its usage, what it does and where its\n' +
    'power ends.',
  parse([topic], { commands }) {
    const help = renderTuiHelp(commands, topic);
    if (!help.ok) return help;
    return ok(async (session) => {
      for (const line of help.value) session.say(line);
    });
  },
};
