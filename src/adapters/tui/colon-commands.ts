import type { ColonCommand } from './colon-command.js';
import { attachColonCommand } from './commands/attach-colon-command.js';
import { dashColonCommand } from './commands/dash-colon-command.js';
import { editColonCommand } from './commands/edit-colon-command.js';
import { explainColonCommand } from './commands/explain-colon-command.js';
import { helpColonCommand } from './commands/help-colon-command.js';
import { historyColonCommand } from './commands/history-colon-command.js';
import { newColonCommand } from './commands/new-colon-command.js';
import { olderColonCommand } from './commands/older-colon-command.js';
import { peerColonCommand } from './commands/peer-colon-command.js';
import { podsColonCommand } from './commands/pods-colon-command.js';
import { quitColonCommand } from './commands/quit-colon-command.js';
import { restoreColonCommand } from './commands/restore-colon-command.js';
import { toolColonCommand } from './commands/tool-colon-command.js';
import { unpeerColonCommand } from './commands/unpeer-colon-command.js';

/** Every `:` command of the TUI, in the order `:help` lists them. */
export const COLON_COMMANDS: readonly ColonCommand[] = [
  helpColonCommand, peerColonCommand, unpeerColonCommand, podsColonCommand, dashColonCommand, restoreColonCommand, attachColonCommand,
  newColonCommand, toolColonCommand, historyColonCommand, olderColonCommand, explainColonCommand, editColonCommand, quitColonCommand,
];
