import { ok } from '../../../domain/result.js';
import type { ColonCommand } from '../colon-command.js';

export const quitColonCommand: ColonCommand = {
  name: 'quit',
  params: [],
  summary: 'leave the TUI',
  details:
    'Leaves the TUI, as Ctrl+D does. Turns in flight stop after their current step (a notice\n' +
    'records it) and every Pod this TUI runs is released: stopped, and restorable.',
  parse() {
    return ok(async (session) => session.quit());
  },
};
