import { ok } from '../../../domain/result.js';
import { wholeNumber } from '../../cli/argument-readers.js';
import type { ColonCommand } from '../colon-command.js';

const DEFAULT_COUNT = 20;

export const historyColonCommand: ColonCommand = {
  name: 'history',
  params: [{ name: 'n', optional: true }],
  summary: 'show the last entries of the attached Pod\'s history',
  details:
    `Shows the last [n] (default ${DEFAULT_COUNT}) committed entries of the attached Pod's history, one line\n` +
    'each, its seq first (for :explain). Everything a model of this Pod ever saw is one of them.\n' +
    '`pods history NAME` prints the whole history, or JSON.',
  parse([raw]) {
    const count = raw === undefined ? ok(DEFAULT_COUNT) : wholeNumber('n', raw, 1);
    if (!count.ok) return count;
    return ok((session) => session.showRecent(count.value));
  },
};
