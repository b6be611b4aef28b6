import { ok } from '../../../domain/result.js';
import type { ColonCommand } from '../colon-command.js';
import { DEFAULT_HISTORY_COUNT, historyCount, MAX_HISTORY_COUNT } from './history-count.js';

export const historyColonCommand: ColonCommand = {
  name: 'history',
  params: [{ name: 'n', optional: true }],
  summary: 'show the last entries of the attached Pod\'s history',
  details:
    `Shows the last [n] (default ${DEFAULT_HISTORY_COUNT}, at most ${MAX_HISTORY_COUNT}) committed entries of the attached Pod's history,\n` +
    'one line each, its seq first (for :explain). Everything a model of this Pod ever saw is one of them.\n' +
    '`:older` then reads further back. `pods history NAME` prints the whole history, or JSON.',
  parse([raw]) {
    const count = historyCount(raw);
    if (!count.ok) return count;
    return ok((session) => session.showRecent(count.value));
  },
};
