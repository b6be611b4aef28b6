import type { HistoryEntry } from '../../domain/history-entry.js';
import { printable } from './printable.js';
import { printableLines } from './printable-lines.js';

/** Its kind always visible: `#3 peer_message from a: hello`. Text keeps its line breaks, later lines indented. */
export function renderEntry(entry: HistoryEntry): string {
  return `#${entry.seq} ${entry.kind}${describeBody(entry)}`;
}

function describeBody(entry: HistoryEntry): string {
  const text = said(entry);
  switch (entry.kind) {
    case 'user_input':
      return entry.origin.type === 'operator' ? ` from the operator: ${text}` : ` from parent ${entry.origin.parent}: ${text}`;
    case 'assistant_message':
      return `: ${text}`;
    case 'tool_call':
    case 'tool_result':
      return ` ${printable(entry.callId)} ${printable(entry.tool)} ${text}`;
    case 'peer_message':
      return ` from ${entry.from}: ${text}`;
    case 'pod_event':
      return ` child ${entry.child} ${entry.event}${entry.message === undefined ? '' : `: ${text}`}`;
    case 'notice':
      return ` ${entry.code}: ${text}`;
    case 'permission':
      return ` ${printable(entry.callId)} ${entry.decision} ${text}`;
  }
}

export type EntryTone = 'you' | 'assistant' | 'tool' | 'peer' | 'notice' | 'refusal' | 'warning';

export type SpokenEntry = { readonly tone: EntryTone; readonly header: string; readonly text: string };

/** The same text as `renderEntry`'s, escaped the same way, under a header that names the speaker. */
export function spokenEntry(entry: HistoryEntry): SpokenEntry {
  const text = said(entry);
  switch (entry.kind) {
    case 'user_input':
      return { tone: 'you', header: entry.origin.type === 'operator' ? '[you]' : `[parent ${entry.origin.parent}]`, text };
    case 'assistant_message':
      return { tone: 'assistant', header: '[assistant]', text: entry.text === '' ? '(empty reply)' : text };
    case 'tool_call':
      return { tone: 'tool', header: `[tool call ${printable(entry.tool)}]`, text };
    case 'tool_result':
      return { tone: entry.outcome === 'ok' ? 'tool' : 'refusal', header: `[tool ${printable(entry.tool)}]`, text: `→ ${text}` };
    case 'peer_message':
      return { tone: 'peer', header: `[peer ${entry.from}]`, text };
    case 'pod_event':
      return {
        tone: entry.event === 'errored' ? 'refusal' : 'notice',
        header: '[pod event]',
        text: `child \`${entry.child}\` ${childEvent(entry.event)}${entry.message === undefined ? '' : `: ${text}`}`,
      };
    case 'notice':
      return { tone: entry.code === 'run_errored' ? 'refusal' : 'notice', header: `[notice ${entry.code}]`, text };
    case 'permission':
      return { tone: entry.decision === 'allowed' ? 'notice' : 'warning', header: `[permission ${entry.decision}]`, text };
  }
}

function said(entry: HistoryEntry): string {
  switch (entry.kind) {
    case 'user_input':
    case 'assistant_message':
    case 'notice':
      return printableLines(entry.text);
    case 'peer_message':
      return printableLines(entry.body);
    case 'tool_call':
      return printable(JSON.stringify(entry.input) ?? 'null');
    case 'tool_result':
      return `${entry.outcome}: ${printable(entry.summary)}`;
    case 'pod_event':
      return entry.message === undefined ? '' : printable(entry.message);
    case 'permission':
      return `${printable(entry.title)}: ${printable(entry.reason)}`;
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

/** The `--json` form: `seq`, `kind` and `at` first, then the fields of that kind (a peer message's sender is `from`). */
export function entryJson(entry: HistoryEntry): Record<string, unknown> {
  const { seq, kind, at, ...rest } = entry;
  return { seq, kind, at: at.toISOString(), ...rest };
}
