import { ok } from '../../../domain/result.js';
import type { ColonCommand } from '../colon-command.js';

export const dashColonCommand: ColonCommand = {
  name: 'dash',
  params: [],
  summary: 'the dashboard: every Pod live; Enter attaches one, q comes back',
  details:
    'Shows every Pod in the store on one screen, kept current as things happen: children under\n' +
    'their parent, peers, profile, where each runs, its status (idle, running and for how long,\n' +
    'stopped, errored), input its model has not seen, its last activity, the ping-pong breaker,\n' +
    'and the text a running Pod streams. Keys: arrows or j/k select, Enter attaches the Pod here\n' +
    '(or views it, when another host runs it) and Ctrl+D at an empty prompt goes back to the\n' +
    'dashboard, s sends it one line as your input, / filters by name, ? shows the keys, q\n' +
    'returns to this TUI. The Pods this TUI runs go on meanwhile. Needs a terminal.',
  parse() {
    return ok(async (session) => session.dash());
  },
};
