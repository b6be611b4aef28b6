import { describe, expect, it } from 'vitest';
import { explanationJson, renderExplanation } from '../../src/adapters/presentation/render-explanation.js';
import type { Explanation } from '../../src/application/use-cases/explain-entry.js';
import type { AuditRecord } from '../../src/domain/audit-record.js';
import { PodName } from '../../src/domain/pod-name.js';

const a = PodName.unsafe('a');
const b = PodName.unsafe('b');
const at = new Date('2026-11-01T12:00:00.000Z');
const record = (action: AuditRecord['action'], when: Date): AuditRecord => ({
  id: 'aud_1', pod: b, at: when, action, relationId: 'rel_1', counterpart: a, initiatedFrom: a, via: 'cli',
});
const peerMessage: Explanation['entry'] = { kind: 'peer_message', pod: b, seq: 4, at, from: a, relationId: 'rel_1', messageId: 'msg_1', pairSeq: 2, body: 'hello' };

describe('renderExplanation', () => {
  it('walks a peer message back to the command that created its relation', () => {
    const lines = renderExplanation({
      entry: peerMessage,
      chain: [
        { step: 'peer_relation', relationId: 'rel_1', between: [a, b], current: true },
        { step: 'operator_command', command: 'peer', record: record('peer_added', at) },
      ],
    });
    expect(lines).toEqual([
      '#4 peer_message from a: hello',
      '  peer message #2 from `a` over relation rel_1 (current)',
      '  ← created by `pods peer a b` at 2026-11-01T12:00:00.000Z',
    ]);
  });

  it('names the command as typed on each surface: the TUI attached to the Pod it ran from, or the surface it names', () => {
    const step = (via: string, initiatedFrom = b) => ({ step: 'operator_command' as const, command: 'peer' as const, record: { ...record('peer_added', at), via, initiatedFrom } });
    const lines = renderExplanation({ entry: peerMessage, chain: [step('tui'), step('test', a)] });
    expect(lines.slice(1)).toEqual([
      '  created by `:peer a` in the TUI attached to `b` at 2026-11-01T12:00:00.000Z',
      "  ← created by the operator's peer command from `a` via test at 2026-11-01T12:00:00.000Z",
    ]);
  });

  it('says when the relation has since been removed, and by whom', () => {
    const later = new Date('2026-11-02T08:00:00.000Z');
    const lines = renderExplanation({
      entry: peerMessage,
      chain: [
        { step: 'peer_relation', relationId: 'rel_1', between: [a, b], current: false },
        { step: 'operator_command', command: 'peer', record: record('peer_added', at) },
        { step: 'operator_command', command: 'unpeer', record: record('peer_removed', later) },
      ],
    });
    expect(lines.slice(1)).toEqual([
      '  peer message #2 from `a` over relation rel_1 (since removed)',
      '  ← created by `pods peer a b` at 2026-11-01T12:00:00.000Z',
      '  ← removed by `pods unpeer a b` at 2026-11-02T08:00:00.000Z',
    ]);
  });

  it('explains a parent\'s message by the child ownership', () => {
    const lines = renderExplanation({
      entry: { kind: 'user_input', pod: b, seq: 1, at, text: 'task', origin: { type: 'parent', parent: a } },
      chain: [{ step: 'child_ownership', parent: a, child: b, spawnedAt: at, state: 'outstanding' }],
    });
    expect(lines).toEqual(['#1 user_input from parent a: task', '  `b` is a spawned child of `a` (spawned at 2026-11-01T12:00:00.000Z, now outstanding)']);
  });

  it.each<[Explanation['chain'], string]>([
    [[{ step: 'operator_input' }], '  typed by the operator'],
    [[{ step: 'model_output', pod: b }], "  written during `b`'s own turn (its model's output, or a tool it called)"],
    [[{ step: 'control_plane', code: 'ping_pong_breaker' }], '  written by the control plane (ping_pong_breaker)'],
    [[], '  no further record of what authorized it'],
  ])('words the chain %j plainly', (chain, line) => {
    expect(renderExplanation({ entry: { kind: 'assistant_message', pod: b, seq: 2, at, text: 'x' }, chain })[1]).toBe(line);
  });
});

describe('explanationJson', () => {
  it('prints the entry as history --json does', () => {
    const json = explanationJson({ entry: peerMessage, chain: [{ step: 'operator_input' }] });
    expect(JSON.parse(JSON.stringify(json))).toMatchObject({ entry: { seq: 4, kind: 'peer_message', at: '2026-11-01T12:00:00.000Z', from: 'a' }, chain: [{ step: 'operator_input' }] });
  });
});
