import { beforeEach, expect, it } from 'vitest';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { makeWorld, name, type World } from '../support/world.js';

describeOnEveryStore('InitiatePeerHandshake and RemovePeer', (suite) => {
  let w: World;
  beforeEach(async () => {
    w = suite.world();
    await w.create('a');
    await w.create('b');
  });

  const peer = (from: string, to: string) => w.handshake.execute({ from: name(from), to: name(to), via: 'tui' });
  const listed = async (caller: string) => {
    const r = await w.listPods.execute({ caller: name(caller) });
    if (!r.ok) throw new Error(r.error.type);
    return r.value.pods.map((p) => [p.name, p.visibility]);
  };

  it('is reciprocal at once: both sides list each other as peer', async () => {
    const r = await peer('a', 'b');
    expect(r).toMatchObject({ ok: true, value: { status: 'peered', relation: { a: 'a', b: 'b', initiatedFrom: 'a' } } });
    expect(await listed('a')).toEqual([['a', 'self'], ['b', 'peer']]);
    expect(await listed('b')).toEqual([['a', 'peer'], ['b', 'self']]);
  });

  it('stores one canonical pair whichever side initiates', async () => {
    const r = await peer('b', 'a');
    expect(r).toMatchObject({ ok: true, value: { relation: { a: 'a', b: 'b', initiatedFrom: 'b' } } });
    expect(await w.uow.run((t) => t.relations.listFor(name('a')))).toHaveLength(1);
  });

  it('is idempotent: a second handshake from either side reports already_peers and writes nothing', async () => {
    const first = await peer('a', 'b');
    const auditBefore = await w.uow.run((t) => t.audit.listForPod(name('a')));
    for (const [from, to] of [['a', 'b'], ['b', 'a']] as const) {
      const again = await peer(from, to);
      expect(again).toMatchObject({ ok: true, value: { status: 'already_peers' } });
      if (again.ok && first.ok) expect(again.value.relation.id).toBe(first.value.relation.id);
    }
    expect(await w.uow.run((t) => t.audit.listForPod(name('a')))).toEqual(auditBefore);
  });

  it.each([
    ['itself', 'a', 'a', { type: 'SelfPeer', name: 'a' }],
    ['an unknown target', 'a', 'ghost', { type: 'PodNotFound', name: 'ghost' }],
    ['an unknown source', 'ghost', 'a', { type: 'PodNotFound', name: 'ghost' }],
  ] as const)('refuses %s', async (_label, from, to, error) => {
    expect(await peer(from, to)).toEqual({ ok: false, error });
    expect(await w.uow.run((t) => t.relations.listFor(name('a')))).toEqual([]);
  });

  it('refuses a parent/child pair in both directions: children are not peers', async () => {
    await w.spawn('a', 'kid');
    expect(await peer('a', 'kid')).toEqual({ ok: false, error: { type: 'ParentChildPair', parent: 'a', child: 'kid' } });
    expect(await peer('kid', 'a')).toEqual({ ok: false, error: { type: 'ParentChildPair', parent: 'a', child: 'kid' } });
    expect(await w.uow.run((t) => t.relations.listFor(name('kid')))).toEqual([]);
  });

  it('lets siblings peer: only the parent/child edge is excluded', async () => {
    await w.spawn('a', 'k1');
    await w.spawn('a', 'k2');
    expect(await peer('k1', 'k2')).toMatchObject({ ok: true, value: { status: 'peered' } });
  });

  it('writes no model-visible history on either side', async () => {
    await peer('a', 'b');
    await w.removePeer.execute({ from: name('a'), to: name('b'), via: 'tui' });
    expect(await w.history('a')).toEqual([]);
    expect(await w.history('b')).toEqual([]);
  });

  it('leaves an audit record for both Pods that names the command, the origin and the time', async () => {
    const r = await peer('a', 'b');
    if (!r.ok) throw new Error(r.error.type);
    const at = w.clock.now();
    for (const [pod, counterpart] of [['a', 'b'], ['b', 'a']] as const) {
      const records = await w.uow.run((t) => t.audit.listForPod(name(pod)));
      expect(records).toEqual([
        expect.objectContaining({ pod, counterpart, action: 'peer_added', relationId: r.value.relation.id, initiatedFrom: 'a', via: 'tui', at }),
      ]);
    }
    const [own] = await w.uow.run((t) => t.audit.listForPod(name('a')));
    expect(own?.id).toBe(r.value.relation.auditId);
  });

  it('RemovePeer removes the relation, audits both sides, and later sends are refused', async () => {
    await peer('a', 'b');
    expect((await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'one' })).ok).toBe(true);
    const removed = await w.removePeer.execute({ from: name('b'), to: name('a'), via: 'cli' });
    expect(removed.ok).toBe(true);
    expect(await listed('a')).toEqual([['a', 'self']]);
    const refused = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'two' });
    expect(refused).toEqual({ ok: false, kind: 'invalid_argument', message: 'pod `b` is not visible to this Pod' });
    const actions = (await w.uow.run((t) => t.audit.listForPod(name('a')))).map((r) => [r.action, r.initiatedFrom, r.via]);
    expect(actions).toEqual([['peer_added', 'a', 'tui'], ['peer_removed', 'b', 'cli']]);
    expect((await w.history('b')).filter((e) => e.kind === 'peer_message')).toHaveLength(1);
  });

  it('RemovePeer on Pods that are not peers is refused', async () => {
    expect(await w.removePeer.execute({ from: name('a'), to: name('b'), via: 'tui' })).toEqual({
      ok: false, error: { type: 'NotPeers', from: 'a', to: 'b' },
    });
  });

  it('a re-made relation is a new relation with its own pair sequence', async () => {
    await peer('a', 'b');
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'one' });
    await w.removePeer.execute({ from: name('a'), to: name('b'), via: 'tui' });
    await peer('b', 'a');
    const r = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'two' });
    expect(r).toMatchObject({ ok: true, content: { pair_seq: 1 } });
    const [first, second] = (await w.history('b')).filter((e) => e.kind === 'peer_message');
    expect(first && second && first.kind === 'peer_message' && second.kind === 'peer_message' && first.relationId !== second.relationId).toBe(true);
  });

  it('20 concurrent identical handshakes make one relation and one pair of audit records', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? peer('a', 'b') : peer('b', 'a'))));
    expect(results.filter((r) => r.ok && r.value.status === 'peered')).toHaveLength(1);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await w.uow.run((t) => t.relations.listFor(name('a')))).toHaveLength(1);
    expect(await w.uow.run((t) => t.audit.listForPod(name('a')))).toHaveLength(1);
    expect(await w.uow.run((t) => t.audit.listForPod(name('b')))).toHaveLength(1);
  });
});
