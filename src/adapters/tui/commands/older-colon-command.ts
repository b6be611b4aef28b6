import { ok } from '../../../domain/result.js';
import type { ColonCommand } from '../colon-command.js';
import { DEFAULT_HISTORY_COUNT, historyCount, MAX_HISTORY_COUNT } from './history-count.js';

export const olderColonCommand: ColonCommand = {
  name: 'older',
  params: [{ name: 'n', optional: true }],
  summary: 'show the entries before the oldest one shown',
  details:
    `Shows the [n] (default ${DEFAULT_HISTORY_COUNT}, at most ${MAX_HISTORY_COUNT}) entries of the attached Pod's history just before the\n` +
    'oldest one attaching, `:history` or `:older` printed, oldest first; again, it goes on further back,\n' +
    'until #1. Attaching prints the last 10 entries on a terminal and none from a pipe (then `:older`\n' +
    'starts from the newest). Only what is asked for is read, however long the history.',
  parse([raw]) {
    const count = historyCount(raw);
    if (!count.ok) return count;
    return ok((session) => session.showOlder(count.value));
  },
};
