import { beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntryBody } from '../../src/domain/history-entry.js';
import { HISTORY_ENTRY_KINDS } from '../../src/domain/history-entry.js';
import { Boom, inRun, later, name, seedPods, T0, type ContractFixture } from './contract-fixture.js';

const peerMessage = (from: string, pairSeq: number, extra: { idempotencyKey?: string; body?: string } = {}): HistoryEntryBody => ({
  kind: 'peer_message',
  from: name(from),
  relationId: `rel_${from}`,
  messageId: `msg_${from}_${pairSeq}`,
  pairSeq,
  body: extra.body ?? `hello #${pairSeq} from ${from}`,
  ...(extra.idempotencyKey === undefined ? {} : { idempotencyKey: extra.idempotencyKey }),
});

/** One body of every kind, optional fields present. */
const EVERY_KIND: readonly HistoryEntryBody[] = [
  { kind: 'user_input', text: 'do it', origin: { type: 'operator' } },
  { kind: 'user_input', text: 'child task', origin: { type: 'parent', parent: name('ann') } },
  { kind: 'assistant_message', text: 'done' },
  { kind: 'tool_call', callId: 'c1', tool: 'ListPods', input: { nested: { list: [1, 'two', null, true], n: 1.5 } } },
  { kind: 'tool_result', callId: 'c1', tool: 'ListPods', outcome: 'ok', summary: '2 pods', content: [{ name: 'a' }] },
  { kind: 'tool_result', callId: 'c2', tool: 'StopPod', outcome: 'invalid_argument', summary: 'no' },
  peerMessage('bob', 1, { idempotencyKey: 'k1' }),
  peerMessage('bob', 2),
  { kind: 'pod_event', child: name('kid'), event: 'errored', message: 'it broke' },
  { kind: 'pod_event', child: name('kid'), event: 'finished' },
  { kind: 'notice', code: 'ping_pong_breaker', text: 'withheld' },
  { kind: 'tool_call', callId: 'a1', tool: 'Write /w/x', input: { path: '/w/x' }, seenThrough: 3, agent: { toolKind: 'edit', locations: ['/w/x'] } },
  { kind: 'permission', callId: 'a1', title: 'Write /w/x', toolKind: 'edit', locations: ['/w/x'], decision: 'allowed', rule: 'write:/w', reason: 'inside' },
  { kind: 'permission', callId: 'a2', title: 'Run ls', locations: [], decision: 'rejected', reason: 'unconfined' },
  { kind: 'tool_result', callId: 'a1', tool: 'Write /w/x', outcome: 'ok', summary: 'done', agent: { status: 'completed', locations: ['/w/x'], output: 'wrote', cutBytes: 12 } },
];

export function historyRepositoryContract(f: ContractFixture): void {
  describe('HistoryRepository contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob', 'cat', 'kid');
    });
    const append = (pod: string, body: HistoryEntryBody, at: Date = T0) => inRun(f, (r) => r.history.append(name(pod), body, at));
    const read = (pod: string, range?: { after?: number; before?: number; limit?: number }) => inRun(f, (r) => r.history.read(name(pod), range));
    const seqs = async (pod: string, range?: { after?: number; before?: number; limit?: number }) => (await read(pod, range)).map((e) => e.seq);
    const text = (n: number): HistoryEntryBody => ({ kind: 'assistant_message', text: `m${n}` });

    it('numbers each Pod’s entries 1, 2, 3… independently of other Pods', async () => {
      expect((await append('ann', text(1))).seq).toBe(1);
      expect((await append('bob', text(1))).seq).toBe(1);
      expect((await append('ann', text(2))).seq).toBe(2);
      expect((await append('ann', text(3))).seq).toBe(3);
      expect(await seqs('ann')).toEqual([1, 2, 3]);
      expect(await seqs('bob')).toEqual([1]);
    });

    it('returns the appended entry exactly as a later read gives it', async () => {
      const entry = await append('ann', EVERY_KIND[3]!, later(42));
      expect(entry).toEqual({ ...EVERY_KIND[3], pod: 'ann', seq: 1, at: later(42) });
      expect(await read('ann')).toEqual([entry]);
    });

    it('round-trips every entry kind with its optional fields and a Date `at`', async () => {
      expect(new Set(EVERY_KIND.map((b) => b.kind))).toEqual(new Set(HISTORY_ENTRY_KINDS));
      for (const [i, body] of EVERY_KIND.entries()) await append('ann', body, later(i));
      const entries = await read('ann');
      expect(entries).toEqual(EVERY_KIND.map((body, i) => ({ ...body, pod: 'ann', seq: i + 1, at: later(i) })));
      for (const [i, e] of entries.entries()) {
        expect(e.at).toBeInstanceOf(Date);
        expect(e.at.getTime()).toBe(later(i).getTime());
      }
    });

    it('keeps any JS string intact: NUL, lone surrogates, astral characters, 64 KiB', async () => {
      const odd = ['nul \u0000 inside', 'lone \ud800 surrogate', 'emoji 😀 and ü', '"quotes" \\ back\nslash', 'x'.repeat(64 * 1024)];
      for (const body of odd) await append('ann', { kind: 'assistant_message', text: body });
      await append('ann', { kind: 'tool_call', callId: 'c', tool: 'T', input: { s: odd[0], t: odd[1] } });
      const entries = await read('ann');
      expect(entries.slice(0, odd.length).map((e) => (e.kind === 'assistant_message' ? e.text : undefined))).toEqual(odd);
      expect(entries.at(-1)).toMatchObject({ input: { s: odd[0], t: odd[1] } });
    });

    it('reads entries after a sequence number, oldest first, up to a limit', async () => {
      for (let i = 1; i <= 6; i += 1) await append('ann', text(i));
      expect(await seqs('ann', { after: 2 })).toEqual([3, 4, 5, 6]);
      expect(await seqs('ann', { after: 2, limit: 2 })).toEqual([3, 4]);
      expect(await seqs('ann', { limit: 3 })).toEqual([1, 2, 3]);
      expect(await seqs('ann', { after: 0 })).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await seqs('ann', { after: 6 })).toEqual([]);
      expect(await seqs('ann', { after: 99 })).toEqual([]);
      expect(await seqs('ann', { after: 1, limit: 0 })).toEqual([]);
      expect((await read('ann', { after: 4 })).map((e) => (e.kind === 'assistant_message' ? e.text : ''))).toEqual(['m5', 'm6']);
    });

    it('reads backwards from `before`: the newest `limit` entries below it, oldest first', async () => {
      for (let i = 1; i <= 6; i += 1) await append('ann', text(i));
      expect(await seqs('ann', { before: 7, limit: 2 })).toEqual([5, 6]);
      expect(await seqs('ann', { before: 5, limit: 3 })).toEqual([2, 3, 4]);
      expect(await seqs('ann', { before: 3, limit: 10 })).toEqual([1, 2]);
      expect(await seqs('ann', { before: 99, limit: 1 })).toEqual([6]);
      // Past any seq a store can hold: from the head, whatever its type for seqs.
      expect(await seqs('ann', { before: Number.MAX_SAFE_INTEGER, limit: 2 })).toEqual([5, 6]);
      expect(await seqs('ann', { after: 0, before: 2 ** 31, limit: 1 })).toEqual([6]);
      expect(await seqs('ann', { before: 4 })).toEqual([1, 2, 3]);
      expect(await seqs('ann', { after: 2, before: 6, limit: 10 })).toEqual([3, 4, 5]);
      expect(await seqs('ann', { after: 3, before: 6, limit: 1 })).toEqual([5]);
      expect(await seqs('ann', { before: 1, limit: 5 })).toEqual([]);
      expect(await seqs('ann', { before: 0 })).toEqual([]);
      expect(await seqs('ann', { before: 5, limit: 0 })).toEqual([]);
      expect((await read('ann', { before: 3, limit: 1 })).map((e) => (e.kind === 'assistant_message' ? e.text : ''))).toEqual(['m2']);
    });

    it('treats a negative `after` as the start: entries with seq > after are all of them', async () => {
      for (let i = 1; i <= 3; i += 1) await append('ann', text(i));
      expect(await seqs('ann', { after: -2 })).toEqual([1, 2, 3]);
    });

    it('reads nothing for a Pod without entries or an unknown Pod', async () => {
      expect(await read('ann')).toEqual([]);
      expect(await read('ghost')).toEqual([]);
    });

    it('gets one entry by sequence number, and nothing for a missing or malformed one', async () => {
      await append('ann', text(1));
      const second = await append('ann', text(2), later(5));
      expect(await inRun(f, (r) => r.history.get(name('ann'), 2))).toEqual(second);
      for (const seq of [0, -1, 3, 1.5, Number.NaN, 2 ** 40]) {
        expect(await inRun(f, (r) => r.history.get(name('ann'), seq))).toBeUndefined();
      }
      expect(await inRun(f, (r) => r.history.get(name('bob'), 1))).toBeUndefined();
    });

    it('finds a peer message by receiver, sender and idempotency key, and by nothing less', async () => {
      await append('ann', peerMessage('cat', 1, { idempotencyKey: 'k' }));
      const first = await append('ann', peerMessage('bob', 1, { idempotencyKey: 'k' }));
      await append('bob', peerMessage('cat', 2, { idempotencyKey: 'k2' }));
      expect(await inRun(f, (r) => r.history.findPeerMessageByKey(name('ann'), name('bob'), 'k'))).toEqual(first);
      expect(await inRun(f, (r) => r.history.findPeerMessageByKey(name('ann'), name('bob'), 'K'))).toBeUndefined();
      expect(await inRun(f, (r) => r.history.findPeerMessageByKey(name('bob'), name('ann'), 'k'))).toBeUndefined();
      expect(await inRun(f, (r) => r.history.findPeerMessageByKey(name('ann'), name('dan'), 'k'))).toBeUndefined();
      expect(await inRun(f, (r) => r.history.findPeerMessageByKey(name('ann'), name('cat'), 'k2'))).toBeUndefined();
    });

    it('matches idempotency keys exactly, even with NUL or quotes in them', async () => {
      const keys = ['a\u0000b', 'a', '"a"', 'a\u0000'];
      for (const [i, key] of keys.entries()) await append('ann', peerMessage('bob', i + 1, { idempotencyKey: key }));
      for (const [i, key] of keys.entries()) {
        expect((await inRun(f, (r) => r.history.findPeerMessageByKey(name('ann'), name('bob'), key)))?.pairSeq).toBe(i + 1);
      }
    });

    it('tells the newest sequence number without reading entries: 0 for none or an unknown Pod, not moved by a rollback', async () => {
      const head = (pod: string) => inRun(f, (r) => r.history.head(name(pod)));
      expect(await head('ann')).toBe(0);
      expect(await head('nobody')).toBe(0);
      await append('ann', text(1));
      await append('ann', text(2));
      await append('bob', text(1));
      expect(await head('ann')).toBe(2);
      expect(await head('bob')).toBe(1);
      await expect(
        inRun(f, async (r) => {
          await r.history.append(name('ann'), text(3), T0);
          expect(await r.history.head(name('ann'))).toBe(3);
          throw new Boom();
        }),
      ).rejects.toThrow(Boom);
      expect(await head('ann')).toBe(2);
    });

    it('tells in one read which of many Pods grew beyond the seq given: unknown Pods and rolled-back appends never count', async () => {
      const beyond = async (seen: Record<string, number>) => {
        const heads = Object.entries(seen).map(([pod, seq]) => ({ pod: name(pod), seq }));
        return [...(await f().uow().run((r) => r.history.headsBeyond(heads), { singleRead: true }))].sort();
      };
      expect(await beyond({})).toEqual([]);
      expect(await beyond({ ann: 0, bob: 0, nobody: 0 })).toEqual([]);
      await append('ann', text(1));
      await append('ann', text(2));
      await append('bob', text(1));
      expect(await beyond({ ann: 0, bob: 0, nobody: 0 })).toEqual(['ann', 'bob']);
      expect(await beyond({ ann: 1, bob: 1 })).toEqual(['ann']);
      expect(await beyond({ ann: 2, bob: 1 })).toEqual([]);
      expect(await beyond({ ann: 7, bob: -3 })).toEqual(['bob']);
      await expect(
        inRun(f, async (r) => {
          await r.history.append(name('bob'), text(2), T0);
          expect(await r.history.headsBeyond([{ pod: name('bob'), seq: 1 }])).toEqual(['bob']);
          throw new Boom();
        }),
      ).rejects.toThrow(Boom);
      expect(await beyond({ ann: 2, bob: 1 })).toEqual([]);
    });

    it('hands out gap-free numbers to concurrent appenders', async () => {
      const appended = await Promise.all(Array.from({ length: 20 }, (_, i) => append('ann', text(i))));
      expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await seqs('ann')).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('gives the number of a rolled-back append back: no gap after a throw', async () => {
      await append('ann', text(1));
      await expect(
        inRun(f, async (r) => {
          await r.history.append(name('ann'), text(2), T0);
          throw new Boom();
        }),
      ).rejects.toThrow(Boom);
      expect((await append('ann', text(3))).seq).toBe(2);
      expect(await seqs('ann')).toEqual([1, 2]);
    });

    it('numbers several appends inside one unit of work consecutively', async () => {
      const seqsInRun = await inRun(f, async (r) => [
        (await r.history.append(name('ann'), text(1), T0)).seq,
        (await r.history.append(name('ann'), text(2), T0)).seq,
        (await r.history.append(name('bob'), text(1), T0)).seq,
      ]);
      expect(seqsInRun).toEqual([1, 2, 1]);
    });
  });
}
