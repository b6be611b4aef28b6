import type { HistoryEntry } from '../../domain/history-entry.js';
import { printable } from '../cli/printable.js';

/**
 * One committed entry as one terminal line, its kind in brackets and its seq first (for
 * `:explain`): `#4 [peer main] hello`. Stored text is escaped like `pods history` does.
 */
export function renderTuiEntry(entry: HistoryEntry): string {
  return `#${entry.seq} ${describe(entry)}`;
}

function describe(entry: HistoryEntry): string {
  switch (entry.kind) {
    case 'user_input':
      return entry.origin.type === 'operator'
        ? `[you] ${printable(entry.text)}`
        : `[parent ${entry.origin.parent}] ${printable(entry.text)}`;
    case 'assistant_message':
      return `[assistant] ${entry.text === '' ? '(empty reply)' : printable(entry.text)}`;
    case 'tool_call':
      return `[tool call ${printable(entry.tool)}] ${printable(JSON.stringify(entry.input) ?? 'null')}`;
    case 'tool_result':
      return `[tool ${printable(entry.tool)}] → ${entry.outcome}: ${printable(entry.summary)}`;
    case 'peer_message':
      return `[peer ${entry.from}] ${printable(entry.body)}`;
    case 'pod_event':
      return `[pod event] child \`${entry.child}\` ${childEvent(entry.event)}${entry.message === undefined ? '' : `: ${printable(entry.message)}`}`;
    case 'notice':
      return `[notice ${entry.code}] ${printable(entry.text)}`;
    case 'permission':
      return `[permission ${entry.decision}] ${printable(entry.title)}: ${printable(entry.reason)}`;
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
