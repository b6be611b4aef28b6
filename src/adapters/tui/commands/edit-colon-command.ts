import { ok } from '../../../domain/result.js';
import type { ColonCommand } from '../colon-command.js';

export const editColonCommand: ColonCommand = {
  name: 'edit',
  params: [],
  summary: 'write a message of several lines in $VISUAL or $EDITOR (else vi)',
  details:
    'Opens your editor ($VISUAL, else $EDITOR, else vi) on an empty temp file and hands it the\n' +
    'terminal. What you save is one message to the attached Pod, shown first and sent when you\n' +
    'press Enter (Ctrl+C discards it), as a paste is; it is never a command, whatever its lines\n' +
    'start with. An empty file, or an editor that exits with an error (`:cq` in vi), sends nothing.\n' +
    'The Pods this TUI runs go on meanwhile; their output is shown when the editor closes.',
  parse() {
    return ok(async (session) => session.edit());
  },
};
