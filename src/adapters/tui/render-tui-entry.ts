import type { HistoryEntry } from '../../domain/history-entry.js';
import { printable } from '../presentation/printable.js';
import { printableLines } from '../presentation/printable-lines.js';
import { NO_COLOURS, type Paint, type Palette } from './palette.js';

/**
 * One committed entry, its kind in brackets and its seq first (for `:explain`):
 * `#4 [peer main] hello`. Text a person or a model wrote keeps its line breaks, the lines
 * after the first indented under the header; everything is escaped as `pods history` does.
 * With a palette, the header is coloured by who speaks; the text never is.
 */
export function renderTuiEntry(entry: HistoryEntry, palette: Palette = NO_COLOURS): string {
  const [paint, header, text] = describe(entry, palette);
  return `${palette.status(`#${entry.seq}`)} ${paint(header)}${text === '' ? '' : ` ${text}`}`;
}

function describe(entry: HistoryEntry, p: Palette): readonly [Paint, string, string] {
  switch (entry.kind) {
    case 'user_input':
      return entry.origin.type === 'operator' ? [p.you, '[you]', printableLines(entry.text)] : [p.you, `[parent ${entry.origin.parent}]`, printableLines(entry.text)];
    case 'assistant_message':
      return [p.assistant, '[assistant]', entry.text === '' ? '(empty reply)' : printableLines(entry.text)];
    case 'tool_call':
      return [p.tool, `[tool call ${printable(entry.tool)}]`, printable(JSON.stringify(entry.input) ?? 'null')];
    case 'tool_result':
      return [entry.outcome === 'ok' ? p.tool : p.refusal, `[tool ${printable(entry.tool)}]`, `→ ${entry.outcome}: ${printable(entry.summary)}`];
    case 'peer_message':
      return [p.peer, `[peer ${entry.from}]`, printableLines(entry.body)];
    case 'pod_event':
      return [entry.event === 'errored' ? p.refusal : p.notice, '[pod event]', `child \`${entry.child}\` ${childEvent(entry.event)}${entry.message === undefined ? '' : `: ${printable(entry.message)}`}`];
    case 'notice':
      return [entry.code === 'run_errored' ? p.refusal : p.notice, `[notice ${entry.code}]`, printableLines(entry.text)];
    case 'permission':
      return [entry.decision === 'allowed' ? p.notice : p.warning, `[permission ${entry.decision}]`, `${printable(entry.title)}: ${printable(entry.reason)}`];
  }
}

function childEvent(event: Extract<HistoryEntry, { kind: 'pod_event' }>['event']): string {
  switch (event) {
    case 'finished':
      return 'finished its turn';
    case 'errored':
      return 'errored';
    case 'stopped':
      return 'was stopped';
  }
}
