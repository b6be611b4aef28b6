import { beforeEach, expect, it } from 'vitest';
import { isLive } from '../../src/domain/pod-status.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { makeWorld, name, type World } from '../support/world.js';

describeOnEveryStore('SpawnChildPod, SendToChild, ReadChildOutput, StopChild', (suite) => {
  let w: World;
  beforeEach(async () => {
    w = suite.world();
    await w.create('me', ['write:/work', 'read:/docs']);
  });

  it('spawns a child whose task is its first committed entry, from its parent, and starts it', async () => {
    const r = await w.tool('me', 'SpawnPod', { name: 'kid', task: 'count the files', scope: [{ target: '/work/kid', permission: 'write' }] });
    expect(r).toMatchObject({ ok: true, content: { name: 'kid', task_seq: 1 } });
    expect(await w.history('kid')).toMatchObject([
      { seq: 1, kind: 'user_input', text: 'count the files', origin: { type: 'parent', parent: 'me' } },
    ]);
    // One event, after the commit, is what makes this host run it: created, its task in history, its lease taken here.
    expect(w.committed('kid')).toEqual([{ created: true, history: true, lease: { takenBy: w.host.hostId, driver: 'model' } }]);
  });

  it.each([
    ['a scope outside the caller', [{ target: '/etc', permission: 'read' }], 'scope rule read:/etc is not within `me`\'s effective scope'],
    ['write on a read-only grant', [{ target: '/docs/x', permission: 'write' }], 'scope rule write:/docs/x is not within `me`\'s effective scope'],
    ['a relative target', [{ target: 'work', permission: 'read' }], 'SpawnPod.scope[0]: invalid path work: must be absolute'],
    ['a dot-dot escape', [{ target: '/work/../etc', permission: 'read' }], 'SpawnPod.scope[0]: invalid path /work/../etc: must not contain . or .. segments'],
    ['two overlapping write rules', [{ target: '/work/a', permission: 'write' }, { target: '/work/a/b', permission: 'write' }],
      'scope rule write:/work/a/b overlaps write scope write:/work/a that is already lent to a child'],
  ] as const)('refuses %s and creates nothing', async (_label, scope, message) => {
    const r = await w.tool('me', 'SpawnPod', { name: 'kid', task: 't', scope });
    expect(r).toEqual({ ok: false, kind: 'invalid_argument', message });
    expect(await w.uow.run((t) => t.pods.get(name('kid')))).toBeUndefined();
  });

  it('the parent loses write on what it lends (keeps read) until it stops the child', async () => {
    await w.spawn('me', 'kid', ['write:/work/kid']);
    const writeAgain = { name: 'k2', task: 't', scope: [{ target: '/work/kid/sub', permission: 'write' }] };
    const readIt = { name: 'k3', task: 't', scope: [{ target: '/work/kid', permission: 'read' }] };
    expect((await w.tool('me', 'SpawnPod', writeAgain)).ok).toBe(false);
    expect((await w.tool('me', 'SpawnPod', readIt)).ok).toBe(true);
    expect(await w.tool('me', 'StopPod', { name: 'kid' })).toEqual({
      ok: true, summary: 'stopped pod `kid`; reclaimed scope: write:/work/kid',
      content: { action: 'stopped', also_stopped: [], reclaimed: [{ target: '/work/kid', permission: 'write', recursive: true }] },
    });
    expect((await w.tool('me', 'SpawnPod', writeAgain)).ok).toBe(true);
  });

  it('StopPod stops what the child spawned with it, and its parent may lend all of it again', async () => {
    const isLiveNow = async (pod: string) => {
      const [lease] = await w.uow.run((r) => r.leases.getMany([name(pod)]));
      return isLive(lease, w.clock.now());
    };
    await w.spawn('me', 'kid', ['write:/work/kid']);
    await w.spawn('kid', 'gk', ['write:/work/kid/gk']);
    await w.spawn('gk', 'ggk', ['write:/work/kid/gk/g']);
    await w.spawn('kid', 'done', ['read:/work/kid']);
    await w.tool('kid', 'StopPod', { name: 'done' });
    expect(await w.tool('me', 'StopPod', { name: 'kid' })).toEqual({
      ok: true, summary: 'stopped pod `kid`; reclaimed scope: write:/work/kid; also stopped what it spawned: `gk`, `ggk`',
      content: { action: 'stopped', also_stopped: ['gk', 'ggk'], reclaimed: [{ target: '/work/kid', permission: 'write', recursive: true }] },
    });
    for (const pod of ['kid', 'gk', 'ggk']) {
      expect(await isLiveNow(pod)).toBe(false);
      expect(await w.uow.run((r) => r.children.findByChild(name(pod)))).toMatchObject({ state: 'stopped' });
    }

    // A turn of it still running lends nothing more: what it held went back with it.
    expect(await w.tool('kid', 'SpawnPod', { name: 'late', task: 't', scope: [{ target: '/work/kid/late', permission: 'write' }] })).toEqual({
      ok: false, kind: 'invalid_argument', message: 'pod `kid` is a child that `me` stopped; only `me` can run it again (its RestorePod)',
    });

    // Restored by its parent, the child borrows its scope again; what it spawned stays stopped until it restores them.
    expect(await w.tool('me', 'RestorePod', { name: 'kid' })).toMatchObject({ ok: true, content: { action: 'restored' } });
    expect(await isLiveNow('gk')).toBe(false);
    expect(await w.tool('kid', 'RestorePod', { name: 'gk' })).toMatchObject({ ok: true, content: { action: 'restored' } });
    expect(await w.tool('me', 'StopPod', { name: 'kid' })).toMatchObject({ ok: true, content: { also_stopped: ['gk'] } });
    expect((await w.tool('me', 'SpawnPod', { name: 'k2', task: 't', scope: [{ target: '/work/kid', permission: 'write' }] })).ok).toBe(true);
  });

  it('a child can only lend from what it was lent', async () => {
    await w.spawn('me', 'kid', ['write:/work/kid']);
    expect(await w.tool('kid', 'SpawnPod', { name: 'gk', task: 't', scope: [{ target: '/work', permission: 'read' }] })).toMatchObject({
      ok: false, message: "scope rule read:/work is not within `kid`'s effective scope",
    });
    expect((await w.tool('kid', 'SpawnPod', { name: 'gk', task: 't', scope: [{ target: '/work/kid/a', permission: 'write' }] })).ok).toBe(true);
  });

  it('SendToPod commits the message as a user turn with the parent as origin', async () => {
    await w.spawn('me', 'kid');
    const r = await w.tool('me', 'SendToPod', { name: 'kid', message: 'next step' });
    expect(r).toEqual({ ok: true, summary: 'sent message to `kid`; it started a turn', content: { delivered_to: 'live', host: 'current', turn: 'started', seq: 2 } });
    expect((await w.history('kid')).at(-1)).toMatchObject({ kind: 'user_input', text: 'next step', origin: { type: 'parent', parent: 'me' } });
  });

  it('ReadPodOutput returns only new assistant text, and its cursor is durable', async () => {
    await w.spawn('me', 'kid');
    await w.append('kid', { kind: 'assistant_message', text: 'first' });
    await w.append('kid', { kind: 'tool_call', callId: 'c1', tool: 'ListPods', input: {} });
    await w.append('kid', { kind: 'assistant_message', text: 'second' });
    const first = await w.tool('me', 'ReadPodOutput', { name: 'kid' });
    expect(first).toEqual({
      ok: true, summary: 'pod `kid` (idle): 2 new assistant message(s)',
      content: { status: 'idle', messages: [{ seq: 2, text: 'first' }, { seq: 4, text: 'second' }], cursor: 4, more: false },
    });
    expect(await w.tool('me', 'ReadPodOutput', { name: 'kid' })).toMatchObject({ summary: 'pod `kid` (idle): no new assistant text', content: { cursor: 4 } });
    await w.append('kid', { kind: 'assistant_message', text: 'third' });
    // A new world over the same store: another process, same durable cursor.
    const restarted = makeWorld(suite.store().uow());
    expect(await restarted.tool('me', 'ReadPodOutput', { name: 'kid' })).toMatchObject({ content: { messages: [{ seq: 5, text: 'third' }], cursor: 5 } });
  });

  it('ReadPodOutput answers at most 20 messages or 32 KiB; the rest waits for the next read, nothing skipped or repeated', async () => {
    await w.spawn('me', 'kid');
    for (let i = 0; i < 25; i++) await w.append('kid', { kind: 'assistant_message', text: `line ${i}` });
    const first = await w.tool('me', 'ReadPodOutput', { name: 'kid' });
    expect(first).toMatchObject({ ok: true, summary: 'pod `kid` (idle): 20 new assistant message(s); more is waiting: read again', content: { cursor: 21, more: true } });
    const second = await w.tool('me', 'ReadPodOutput', { name: 'kid' });
    expect(second).toMatchObject({ summary: 'pod `kid` (idle): 5 new assistant message(s)', content: { cursor: 26, more: false } });
    const texts = [first, second].flatMap((r) => (r.ok ? (r.content as { messages: { text: string }[] }).messages.map((m) => m.text) : []));
    expect(texts).toEqual(Array.from({ length: 25 }, (_, i) => `line ${i}`));

    // By size: 20 KiB messages one at a time; one larger than the bound still comes, whole and alone.
    const big = (c: string, kib: number) => c.repeat(kib * 1024);
    for (const text of [big('a', 20), big('b', 20), big('c', 40), big('d', 1)]) await w.append('kid', { kind: 'assistant_message', text });
    const sizes: number[][] = [];
    for (let more = true; more; ) {
      const r = await w.readChildOutput.execute({ caller: name('me'), name: name('kid') });
      if (!r.ok) throw new Error('refused');
      sizes.push(r.value.messages.map((m) => m.text.length / 1024));
      more = r.value.more;
    }
    expect(sizes).toEqual([[20], [20], [40], [1]]);
  });

  it('ReadPodOutput reads a child far ahead of its cursor a page at a time, and passes over what is not assistant text', async () => {
    await w.spawn('me', 'kid');
    for (let i = 0; i < 450; i++) await w.append('kid', { kind: 'notice', code: 'turn_cancelled', text: `n ${i}` });
    await w.append('kid', { kind: 'assistant_message', text: 'after the notices' });
    for (let i = 0; i < 3; i++) await w.append('kid', { kind: 'notice', code: 'turn_cancelled', text: `tail ${i}` });
    const limits = { maxMessages: 1, maxBytes: 1 };
    const r = await w.readChildOutput.execute({ caller: name('me'), name: name('kid'), limits });
    expect(r).toMatchObject({ ok: true, value: { messages: [{ seq: 452, text: 'after the notices' }], cursor: 455, more: false } });
  });

  it('StopPod ends the lease, tells the host, and a second stop is harmless', async () => {
    await w.spawn('me', 'kid');
    await w.tool('me', 'StopPod', { name: 'kid' });
    // What makes the host that ran it stop.
    expect(w.committed('kid').at(-1)).toEqual({ lease: 'ended' });
    expect(await w.uow.run((t) => t.leases.getMany([name('kid')]))).toEqual([]);
    expect(await w.tool('me', 'StopPod', { name: 'kid' })).toMatchObject({ ok: true, summary: 'pod `kid` was already stopped' });
  });

  it('concurrent reads never hand out the same text twice', async () => {
    await w.spawn('me', 'kid');
    for (let i = 0; i < 20; i++) await w.append('kid', { kind: 'assistant_message', text: `line ${i}` });
    const reads = await Promise.all(Array.from({ length: 5 }, () => w.readChildOutput.execute({ caller: name('me'), name: name('kid') })));
    const seen = reads.flatMap((r) => (r.ok ? r.value.messages.map((m) => m.seq) : []));
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });
});
