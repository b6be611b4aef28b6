import { describe, expect, it } from 'vitest';
import { entryJson, renderEntry, spokenEntry, type SpokenEntry } from '../../src/adapters/presentation/render-entry.js';
import { printable } from '../../src/adapters/presentation/printable.js';
import type { HistoryEntry, HistoryEntryBody } from '../../src/domain/history-entry.js';
import { PodName } from '../../src/domain/pod-name.js';

const at = new Date('2026-11-01T12:00:00.000Z');
const entry = (seq: number, body: HistoryEntryBody): HistoryEntry => ({ ...body, pod: PodName.unsafe('b'), seq, at });
const a = PodName.unsafe('a');

describe('renderEntry', () => {
  it.each<[HistoryEntryBody, string]>([
    [{ kind: 'user_input', text: 'hi', origin: { type: 'operator' } }, '#1 user_input from the operator: hi'],
    [{ kind: 'user_input', text: 'do it', origin: { type: 'parent', parent: a } }, '#1 user_input from parent a: do it'],
    [{ kind: 'assistant_message', text: 'done' }, '#1 assistant_message: done'],
    [{ kind: 'tool_call', callId: 'call_1', tool: 'ListPods', input: {} }, '#1 tool_call call_1 ListPods {}'],
    [{ kind: 'tool_result', callId: 'call_1', tool: 'ListPods', outcome: 'ok', summary: '2 visible pod(s)' }, '#1 tool_result call_1 ListPods ok: 2 visible pod(s)'],
    [{ kind: 'peer_message', from: a, relationId: 'rel_1', messageId: 'msg_1', pairSeq: 1, body: 'hello' }, '#1 peer_message from a: hello'],
    [{ kind: 'pod_event', child: PodName.unsafe('kid'), event: 'finished' }, '#1 pod_event child kid finished'],
    [{ kind: 'pod_event', child: PodName.unsafe('kid'), event: 'errored', message: 'boom' }, '#1 pod_event child kid errored: boom'],
    [{ kind: 'notice', code: 'ping_pong_breaker', text: 'withheld' }, '#1 notice ping_pong_breaker: withheld'],
  ])('shows %j on one typed line', (body, line) => {
    expect(renderEntry(entry(1, body))).toBe(line);
  });

  it('keeps a multi-line body\'s line breaks, indented under its entry, and nothing hostile', () => {
    const body = 'line one\nline two\r\n\u001b[31mred\u001b[0m \u202eevil\tend\r';
    const shown = renderEntry(entry(7, { kind: 'peer_message', from: a, relationId: 'r', messageId: 'm', pairSeq: 1, body }));
    expect(shown.split('\n')).toEqual([
      '#7 peer_message from a: line one',
      '    line two',
      '    \\u{1b}[31mred\\u{1b}[0m \\u{202e}evil    end\\r',
    ]);
    // Only the line breaks the text had; no control, escape or bidi character reaches the terminal.
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });
});

describe('spokenEntry', () => {
  it.each<[HistoryEntryBody, SpokenEntry]>([
    [{ kind: 'pod_event', child: PodName.unsafe('kid'), event: 'finished' }, { tone: 'notice', header: '[pod event]', text: 'child `kid` finished its turn' }],
    [{ kind: 'pod_event', child: PodName.unsafe('kid'), event: 'stopped' }, { tone: 'notice', header: '[pod event]', text: 'child `kid` was stopped' }],
    [{ kind: 'pod_event', child: PodName.unsafe('kid'), event: 'errored', message: 'boom' }, { tone: 'refusal', header: '[pod event]', text: 'child `kid` errored: boom' }],
    [{ kind: 'tool_result', callId: 'c', tool: 'SendToPod', outcome: 'execution_failed', summary: 'gone' }, { tone: 'refusal', header: '[tool SendToPod]', text: '→ execution_failed: gone' }],
    [{ kind: 'notice', code: 'run_errored', text: 'model down' }, { tone: 'refusal', header: '[notice run_errored]', text: 'model down' }],
    [{ kind: 'permission', callId: 'c', locations: ['/w/a.txt'], decision: 'allowed', title: 'Write a.txt', reason: 'in scope' }, { tone: 'notice', header: '[permission allowed]', text: 'Write a.txt: in scope' }],
    [{ kind: 'permission', callId: 'c', locations: ['/etc'], decision: 'rejected', title: 'Write /etc', reason: 'outside scope' }, { tone: 'warning', header: '[permission rejected]', text: 'Write /etc: outside scope' }],
  ])('names the speaker of %j and marks what failed', (body, spoken) => {
    expect(spokenEntry(entry(1, body))).toEqual(spoken);
  });

  it('says what renderEntry says, escaped alike, under its own header', () => {
    const body = 'a\nb\u001b[2J\u202ec';
    const message: HistoryEntryBody = { kind: 'peer_message', from: a, relationId: 'r', messageId: 'm', pairSeq: 1, body };
    expect(spokenEntry(entry(2, message)).text).toBe(renderEntry(entry(2, message)).replace('#2 peer_message from a: ', ''));
  });
});

describe('printable', () => {
  it('leaves ordinary text, including non-ASCII letters, alone', () => {
    expect(printable('héllo wörld — ok ✓')).toBe('héllo wörld — ok ✓');
  });
});

describe('entryJson', () => {
  it('puts seq, kind and at first and names a peer message\'s sender in from', () => {
    const json = entryJson(entry(3, { kind: 'peer_message', from: a, relationId: 'rel_1', messageId: 'msg_1', pairSeq: 2, body: 'hello' }));
    expect(Object.keys(json).slice(0, 3)).toEqual(['seq', 'kind', 'at']);
    expect(json).toEqual({ seq: 3, kind: 'peer_message', at: '2026-11-01T12:00:00.000Z', pod: 'b', from: 'a', relationId: 'rel_1', messageId: 'msg_1', pairSeq: 2, body: 'hello' });
  });
});
