import { beforeEach, expect, it } from 'vitest';
import { MESSAGE_BODY_LIMIT_BYTES } from '../../src/domain/message-body.js';
import { PING_PONG_LIMIT } from '../../src/domain/ping-pong-breaker.js';
import { unansweredInput } from '../../src/domain/turn-trigger.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { body, makeWorld, name, type World } from '../support/world.js';

describeOnEveryStore('DeliverPeerMessage', (suite) => {
  let w: World;
  beforeEach(async () => {
    w = suite.world();
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
  });

  const send = (from: string, to: string, text: string, idempotencyKey?: string) =>
    w.deliver.execute({ from: name(from), to: name(to), body: body(text), ...(idempotencyKey ? { idempotencyKey } : {}) });
  const peerMessages = async (pod: string) => (await w.history(pod)).filter((e) => e.kind === 'peer_message');

  it("appends a peer_message with verified provenance to the receiver's history only", async () => {
    const [relation] = await w.uow.run((t) => t.relations.listFor(name('a')));
    const r = await send('a', 'b', 'hello b');
    expect(r.ok).toBe(true);
    const entries = await w.history('b');
    expect(entries).toEqual([
      {
        kind: 'peer_message', pod: 'b', seq: 1, at: w.clock.now(), from: 'a', relationId: relation?.id,
        messageId: r.ok ? r.value.messageId : '', pairSeq: 1, body: 'hello b',
      },
    ]);
    expect(await w.history('a')).toEqual([]);
  });

  it('numbers messages per pair without gaps, in both directions', async () => {
    for (const [from, to] of [['a', 'b'], ['b', 'a'], ['a', 'b']] as const) await send(from, to, `${from}→${to}`);
    const seqs = [...(await peerMessages('b')), ...(await peerMessages('a'))].map((e) => (e.kind === 'peer_message' ? e.pairSeq : 0));
    expect(seqs.sort()).toEqual([1, 2, 3]);
  });

  it('an idempotency key returns the first message id and writes nothing', async () => {
    const first = await send('a', 'b', 'once', 'k-1');
    const again = await send('a', 'b', 'once, retried', 'k-1');
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again.value).toMatchObject({ messageId: first.value.messageId, pairSeq: 1, duplicate: true, turn: 'none' });
    expect(await peerMessages('b')).toHaveLength(1);
    // The key belongs to the sender: another sender may use the same key.
    await w.create('c');
    await w.peer('c', 'b');
    expect(await send('c', 'b', 'mine', 'k-1')).toMatchObject({ ok: true, value: { duplicate: false } });
    expect(await peerMessages('b')).toHaveLength(2);
  });

  it('refuses 64 KiB + 1 byte without writing, and accepts exactly 64 KiB untruncated', async () => {
    const tooBig = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'x'.repeat(MESSAGE_BODY_LIMIT_BYTES + 1) });
    expect(tooBig).toEqual({
      ok: false, kind: 'invalid_argument',
      message: 'SendToPeerPod.message is 65537 bytes; the limit is 65536 bytes (64 KiB) and nothing was sent',
    });
    expect(await peerMessages('b')).toEqual([]);
    // Multi-byte text counts bytes, not characters: 21846 × 3 bytes = 65538.
    expect((await w.tool('a', 'SendToPeerPod', { name: 'b', message: '€'.repeat(21_846) })).ok).toBe(false);
    const exact = 'y'.repeat(MESSAGE_BODY_LIMIT_BYTES);
    expect((await w.tool('a', 'SendToPeerPod', { name: 'b', message: exact })).ok).toBe(true);
    const [entry] = await peerMessages('b');
    expect(entry?.kind === 'peer_message' && entry.body).toBe(exact);
  });

  it('a stopped peer still gets the entry, the result says so, and nothing is restored', async () => {
    const r = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'while you were out' });
    expect(r).toMatchObject({ ok: true, content: { delivered_to: 'stopped', turn: 'none' } });
    expect(await peerMessages('b')).toHaveLength(1);
    // Announced as history, nothing more: no lease was taken, so no host starts running `b`.
    expect(w.committed('b').at(-1)).toEqual({ history: true });
    expect(w.committed('b').filter((c) => c.lease !== undefined)).toEqual([]);
    const listed = await w.listPods.execute({ caller: name('a') });
    expect(listed.ok && listed.value.pods.find((p) => p.name === 'b')?.status).toBe('stopped');
  });

  it('a live idle peer starts a turn; a running one takes it into its turn; each commit is announced to its host once', async () => {
    await w.goLive('b', 'idle');
    const before = w.committed('b').length;
    expect(await send('a', 'b', 'idle')).toMatchObject({ ok: true, value: { deliveredTo: 'live', turn: 'started' } });
    await w.goLive('b', 'running');
    expect(await send('a', 'b', 'running')).toMatchObject({ ok: true, value: { turn: 'joins_running_turn' } });
    // The committed event is the host's wake-up; what it answers, history decides.
    expect(w.committed('b').slice(before).filter((c) => c.history)).toEqual([{ history: true }, { history: true }]);
    expect(unansweredInput(await w.history('b')).map((e) => e.kind)).toEqual(['peer_message', 'peer_message']);
  });

  it(`the ping-pong breaker withholds auto-run ${PING_PONG_LIMIT + 1} and records a notice; operator input resets it`, async () => {
    await w.goLive('a', 'idle');
    await w.goLive('b', 'idle');
    const turns: string[] = [];
    for (let i = 0; i < PING_PONG_LIMIT + 1; i++) {
      const [from, to] = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
      const r = await send(from, to, `volley ${i + 1}`);
      turns.push(r.ok ? r.value.turn : 'refused');
    }
    expect(turns).toEqual([...Array(PING_PONG_LIMIT).fill('started'), 'withheld']);
    // The 9th went a → b: the message is committed, then the notice says why nothing ran.
    const tail = (await w.history('b')).slice(-2);
    expect(tail.map((e) => e.kind)).toEqual(['peer_message', 'notice']);
    expect(tail[1]).toMatchObject({ code: 'ping_pong_breaker', text: expect.stringContaining(`exchanged ${PING_PONG_LIMIT} peer-triggered turns`) });
    // The withheld message is announced like any commit, but its host finds nothing to answer: the notice has seen it.
    expect(unansweredInput(await w.history('b'))).toEqual([]);

    expect(await send('b', 'a', 'still withheld')).toMatchObject({ ok: true, value: { turn: 'withheld' } });
    await w.operatorInput.execute({ pod: name('a'), text: body('carry on') });
    expect(await send('b', 'a', 'after the human spoke')).toMatchObject({ ok: true, value: { turn: 'started' } });
  });

  it('a peer driven over MCP: its agent gets it with its next tool call, no host is woken, and two agents trip the breaker too', async () => {
    await w.goLive('a', 'idle', undefined, 'mcp');
    await w.goLive('b', 'idle', undefined, 'mcp');
    const leasesBefore = w.heard.length;
    const first = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'hello agent b' });
    expect(first).toMatchObject({ ok: true, summary: 'sent peer message to `b`; its agent (over MCP) receives it with its next tool call', content: { delivered_to: 'live', turn: 'to_agent' } });
    const turns: string[] = [];
    for (let i = 1; i < PING_PONG_LIMIT + 1; i++) {
      const [from, to] = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
      const r = await send(from, to, `volley ${i + 1}`);
      turns.push(r.ok ? r.value.turn : 'refused');
    }
    expect(turns).toEqual([...Array(PING_PONG_LIMIT - 1).fill('to_agent'), 'withheld']);
    // No host took a lease: nothing runs turns for an agent driven over MCP.
    expect(w.heard.slice(leasesBefore).filter((e) => e.type === 'committed' && e.changes.lease !== undefined)).toEqual([]);
    expect((await w.history('b')).at(-1)).toMatchObject({ kind: 'notice', code: 'ping_pong_breaker' });
  });

  it('only peer-triggered turns count toward the breaker', async () => {
    await w.goLive('b', 'running');
    for (let i = 0; i < PING_PONG_LIMIT + 2; i++) await send('a', 'b', `while busy ${i}`);
    await w.goLive('b', 'idle');
    expect(await send('a', 'b', 'now idle')).toMatchObject({ ok: true, value: { turn: 'started' } });
  });

  it('100 concurrent deliveries to one Pod leave 100 entries with gap-free sequence numbers', async () => {
    const senders = ['s1', 's2', 's3', 's4'];
    for (const sender of senders) {
      await w.create(sender);
      await w.peer(sender, 'b');
    }
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => send(senders[i % senders.length] ?? 's1', 'b', `message ${i}`)),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const entries = await peerMessages('b');
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => (e.kind === 'peer_message' ? e.body : ''))).size).toBe(100);
    for (const sender of senders) {
      const pairSeqs = entries.flatMap((e) => (e.kind === 'peer_message' && e.from === sender ? [e.pairSeq] : []));
      expect(pairSeqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    }
  });
});
