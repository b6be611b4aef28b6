import { describeExplainEntryError } from '../../../application/use-cases/explain-entry.js';
import { ok } from '../../../domain/result.js';
import { wholeNumber } from '../../presentation/argument-readers.js';
import { renderExplanation } from '../../presentation/render-explanation.js';
import type { ColonCommand } from '../colon-command.js';

export const explainColonCommand: ColonCommand = {
  name: 'explain',
  params: [{ name: 'seq' }],
  summary: 'show what let an entry of the attached Pod\'s history in',
  details:
    'Explains entry #<seq> of the attached Pod\'s history: the entry, then each cause that authorized\n' +
    'it, newest first. A peer message points to its relation and to the `:peer` command that made\n' +
    'it (from which Pod, through which surface, when); a parent\'s message to the child ownership;\n' +
    'model output to the Pod\'s own turn.',
  parse([raw = '']) {
    const seq = wholeNumber('seq', raw, 1);
    if (!seq.ok) return seq;
    return ok(async (session) => {
      const result = await session.app.explainEntry.execute({ pod: session.attached, seq: seq.value });
      if (!result.ok) return session.refuse(describeExplainEntryError(result.error));
      for (const line of renderExplanation(result.value)) session.say(line);
    });
  },
};
