import { describe, expect, it } from 'vitest';
import { renderTuiEntry } from '../../src/adapters/tui/render-tui-entry.js';
import { COLOURS, NO_COLOURS } from '../../src/adapters/tui/palette.js';
import type { HistoryEntry, HistoryEntryBody } from '../../src/domain/history-entry.js';
import { name } from '../support/world.js';

const entry = (seq: number, body: HistoryEntryBody): HistoryEntry => ({ ...body, pod: name('main'), seq, at: new Date(0) });

describe('renderTuiEntry', () => {
  it('shows every kind of entry on one line, typed, with its seq', () => {
    const lines = [
      entry(1, { kind: 'user_input', text: 'hi', origin: { type: 'operator' } }),
      entry(2, { kind: 'user_input', text: 'do it', origin: { type: 'parent', parent: name('boss') } }),
      entry(3, { kind: 'assistant_message', text: 'ok' }),
      entry(4, { kind: 'assistant_message', text: '' }),
      entry(5, { kind: 'tool_call', callId: 'c1', tool: 'SendToPeerPod', input: { name: 'b', message: 'hi' } }),
      entry(6, { kind: 'tool_result', callId: 'c1', tool: 'SendToPeerPod', outcome: 'ok', summary: 'sent' }),
      entry(7, { kind: 'tool_result', callId: 'c2', tool: 'SendToPod', outcome: 'invalid_argument', summary: 'not a child' }),
      entry(8, { kind: 'peer_message', from: name('b'), relationId: 'rel_1', messageId: 'msg_1', pairSeq: 1, body: 'hello' }),
      entry(9, { kind: 'pod_event', child: name('kid'), event: 'errored', message: 'model down' }),
      entry(10, { kind: 'notice', code: 'ping_pong_breaker', text: 'withheld' }),
    ].map((e) => renderTuiEntry(e));
    expect(lines).toEqual([
      '#1 [you] hi',
      '#2 [parent boss] do it',
      '#3 [assistant] ok',
      '#4 [assistant] (empty reply)',
      '#5 [tool call SendToPeerPod] {"name":"b","message":"hi"}',
      '#6 [tool SendToPeerPod] → ok: sent',
      '#7 [tool SendToPod] → invalid_argument: not a child',
      '#8 [peer b] hello',
      '#9 [pod event] child `kid` errored: model down',
      '#10 [notice ping_pong_breaker] withheld',
    ]);
  });

  it('escapes what could drive the terminal or reorder the line, and keeps the text\'s own line breaks, indented under the header', () => {
    const line = renderTuiEntry(entry(1, { kind: 'peer_message', from: name('b'), relationId: 'r', messageId: 'm', pairSeq: 1, body: 'a\nb\u001b[2J\u202ec\r\u2028d' }));
    expect(line).toBe('#1 [peer b] a\n    b\\u{1b}[2J\\u{202e}c\\r\\u{2028}d');
  });

  it('shows a multi-line answer as it was written: blank lines kept, tabs as spaces, trailing newlines dropped', () => {
    const text = 'Here is the plan:\r\n\n1. read the file\n\t2. fix it\n\n';
    expect(renderTuiEntry(entry(2, { kind: 'assistant_message', text })).split('\n')).toEqual([
      '#2 [assistant] Here is the plan:',
      '',
      '    1. read the file',
      '        2. fix it',
    ]);
  });

  it('colours the header by who speaks, never the text, and writes no colour without a palette', () => {
    const line = renderTuiEntry(entry(3, { kind: 'user_input', text: 'hi', origin: { type: 'operator' } }), COLOURS);
    expect(line).toBe('\u001b[2m#3\u001b[0m \u001b[1;36m[you]\u001b[0m hi');
    expect(renderTuiEntry(entry(3, { kind: 'user_input', text: 'hi', origin: { type: 'operator' } }), NO_COLOURS)).toBe('#3 [you] hi');
  });
});
