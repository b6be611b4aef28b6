import { isKey, KEY } from './dash-keys.js';

/** A one-line question at the bottom of the dashboard: `s` (a line to send) and `/` (a filter). */
export type DashPrompt = { readonly label: string; text: string; readonly done: (text: string | undefined) => void };

/** Control and escape sequences are never typed into the line. Returns whether the prompt is over. */
export function promptKey(prompt: DashPrompt, key: string): boolean {
  if (isKey(key, KEY.enter)) {
    prompt.done(prompt.text);
    return true;
  }
  if (isKey(key, KEY.escape) || isKey(key, KEY.interrupt)) {
    prompt.done(undefined);
    return true;
  }
  if (isKey(key, KEY.backspace)) {
    prompt.text = [...prompt.text].slice(0, -1).join('');
    return false;
  }
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f-\u009f]/.test(key)) prompt.text += key;
  return false;
}

export const HELP_LINES = [
  'pods dash: every Pod in the store, live',
  '',
  '  ↑ ↓ or k j     select a Pod (PgUp/PgDn, g/G: a page, the ends)',
  '  Enter          open it: attach (it runs in this process) or view (another host runs it);',
  '                 Ctrl+D there comes back here',
  '  s              send one line to it as operator input (Enter sends, Esc backs out)',
  '  /              filter by name (empty: all); the Pods above a match stay, so the tree reads',
  '  ?              this help',
  '  q              quit (Ctrl+C too)',
  '',
  'STATUS: idle, running (for how long), stopped (no host), errored (its last turn failed).',
  'WHERE: here, mcp (an agent drives it over MCP), the first 8 characters of its host, — (none).',
  'UNSEEN: input its model has not seen yet (12+: and maybe older). LAST: its newest history entry.',
  'NOTES: unconfined (its agent has no OS sandbox), breaker (the ping-pong breaker holds its peer',
  'turns), ⇄ peers.',
  'Under a running Pod: the last line of text it is streaming.',
  '',
  'Any key goes back.',
];
