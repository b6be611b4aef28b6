import { err, ok, type Result } from '../../domain/result.js';
import { displayValue } from '../../domain/display.js';
import { renderTable } from '../presentation/render-table.js';
import { usageOf, type ColonCommand } from './colon-command.js';

const PLAIN_INPUT = [
  'Anything else you type is a message to the attached Pod: it is committed to its history, shown',
  'when it is, and starts a turn. `::text` sends `:text`. With the built-in model, the message',
  '`/tool <Tool> <json>` makes the Pod call that tool in its turn.',
  'A paste is one message, never a command, whatever its lines start with: Enter sends it (with',
  'what you type after it), Ctrl+C discards it. A message typed while a turn runs is sent when',
  'the turn ends. `:edit` writes a message of several lines in your editor.',
  'Keys: Tab completes command names and Pods; Up/Down recall earlier lines, also from earlier',
  'runs ($PODS_HOME/tui-history; a line starting with a space is not kept); Ctrl+R searches them',
  '(Enter puts the match in the line, Esc leaves it); Ctrl+C clears the',
  'line, or else cancels the running turn (dropping what was typed during it), or else says how',
  'to quit: a second Ctrl+C or Ctrl+D quits. In a picker, Esc or Ctrl+C backs out.',
  'Above the prompt: the text a running turn streams and the tools it runs (not history: the',
  'committed entries print when the step commits), and the status line: where the Pod runs, its',
  'turn and time, and how many peer messages its model has not seen yet.',
];

/** `:help` and `:help <command>`, from the command table itself. */
export function renderTuiHelp(commands: readonly ColonCommand[], topic: string | undefined): Result<readonly string[], string> {
  if (topic === undefined) {
    return ok(['Commands:', ...renderTable(commands.map((c) => [usageOf(c), c.summary])).map((line) => `  ${line}`), '', ...PLAIN_INPUT]);
  }
  const name = topic.startsWith(':') ? topic.slice(1) : topic;
  const command = commands.find((c) => c.name === name);
  if (!command) return err(`unknown command \`:${displayValue(name)}\`; \`:help\` lists the commands`);
  return ok([`${usageOf(command)}: ${command.summary}`, ...command.details.split('\n').map((line) => `  ${line}`)]);
}
