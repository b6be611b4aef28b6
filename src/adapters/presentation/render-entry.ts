import type { HistoryEntry } from '../../domain/history-entry.js';
import { printable } from './printable.js';
import { printableLines } from './printable-lines.js';

/**
 * One history entry, its kind always visible: `#3 peer_message from a: hello`. Text a person
 * or a model wrote keeps its line breaks, the lines after the first indented under it.
 */
export function renderEntry(entry: HistoryEntry): string {
  return `#${entry.seq} ${entry.kind}${describeBody(entry)}`;
}

function describeBody(entry: HistoryEntry): string {
  switch (entry.kind) {
    case 'user_input':
      return entry.origin.type === 'operator'
        ? ` from the operator: ${printableLines(entry.text)}`
        : ` from parent ${entry.origin.parent}: ${printableLines(entry.text)}`;
    case 'assistant_message':
      return `: ${printableLines(entry.text)}`;
    case 'tool_call':
      return ` ${printable(entry.callId)} ${printable(entry.tool)} ${printable(JSON.stringify(entry.input) ?? 'null')}`;
    case 'tool_result':
      return ` ${printable(entry.callId)} ${printable(entry.tool)} ${entry.outcome}: ${printable(entry.summary)}`;
    case 'peer_message':
      return ` from ${entry.from}: ${printableLines(entry.body)}`;
    case 'pod_event':
      return ` child ${entry.child} ${entry.event}${entry.message === undefined ? '' : `: ${printable(entry.message)}`}`;
    case 'notice':
      return ` ${entry.code}: ${printableLines(entry.text)}`;
    case 'permission':
      return ` ${printable(entry.callId)} ${entry.decision} ${printable(entry.title)}: ${printable(entry.reason)}`;
  }
}

/** The `--json` form: `seq`, `kind` and `at` first, then the fields of that kind (a peer message's sender is `from`). */
export function entryJson(entry: HistoryEntry): Record<string, unknown> {
  const { seq, kind, at, ...rest } = entry;
  return { seq, kind, at: at.toISOString(), ...rest };
}
