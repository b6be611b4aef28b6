import { beforeEach, expect, it } from 'vitest';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import type { ListPodsCommand } from '../../src/application/use-cases/list-pods.js';
import { makeWorld, name, rule, type World } from '../support/world.js';
import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import type { AcpProfile } from '../../src/domain/profile.js';
import { ProfileName } from '../../src/domain/profile-name.js';

describeOnEveryStore('ListPods and RestorePod', (suite) => {
  let w: World;
  beforeEach(async () => {
    w = suite.world();
  });

  const list = async (caller: string) => {
    const r = await w.listPods.execute({ caller: name(caller) });
    if (!r.ok) throw new Error(r.error.type);
    return r.value.pods;
  };

  it('returns exactly self ∪ children ∪ peers, sorted, with the fields of SPEC §3', async () => {
    await w.create('me', ['write:/work']);
    await w.goLive('me', 'running', undefined, 'mcp');
    await w.create('zed');
    await w.create('alpha');
    await w.create('outsider');
    await w.peer('zed', 'me');
    await w.spawn('me', 'kid', ['write:/work/kid', 'read:/work/shared']);
    await w.spawn('kid', 'grandkid');
    await w.spawn('kid', 'grandkid2');
    await w.tool('kid', 'StopPod', { name: 'grandkid2' });
    await w.peer('alpha', 'outsider');
    const since = w.clock.now();

    const pods = await list('me');
    expect(pods.map((p) => p.name)).toEqual(['kid', 'me', 'zed']);
    expect(pods).toEqual([
      {
        name: 'kid', visibility: 'spawned_child', status: 'idle', live: true, drivenBy: 'model', profile: 'default',
        restore: { possible: false, reason: 'already live' },
        child: { scope: [rule('write:/work/kid'), rule('read:/work/shared')], state: 'outstanding' },
        children: { count: 2, live: 1, stopped: 1 },
      },
      {
        name: 'me', visibility: 'self', status: 'running', live: true, drivenBy: 'mcp', profile: 'default',
        restore: { possible: false, reason: 'this is the calling Pod' }, children: { count: 1, live: 1, stopped: 0 },
      },
      {
        name: 'zed', visibility: 'peer', status: 'stopped', live: false, profile: 'default', restore: { possible: true },
        peer: { since, initiatedFrom: 'zed' }, children: { count: 0, live: 0, stopped: 0 },
      },
    ]);
  });

  it('counts children.live and children.stopped by the status each child shows, so they add up to count', async () => {
    await w.create('me', ['write:/work']);
    await w.spawn('me', 'kid', ['write:/work']);
    await w.spawn('kid', 'running-one');
    await w.spawn('kid', 'parent-stopped');
    await w.spawn('kid', 'host-gone');
    await w.tool('kid', 'StopPod', { name: 'parent-stopped' });
    await w.goStopped('host-gone'); // its host went away: no StopPod, the ownership stays outstanding

    const [kid] = (await list('me')).filter((p) => p.name === 'kid');
    expect(kid?.children).toEqual({ count: 3, live: 1, stopped: 2 });
    const own = await list('kid');
    const stopped = own.filter((p) => p.visibility === 'spawned_child' && p.status === 'stopped').map((p) => p.name);
    const live = own.filter((p) => p.visibility === 'spawned_child' && p.live).map((p) => p.name);
    expect({ live: live.length, stopped: stopped.length }).toEqual({ live: kid?.children.live, stopped: kid?.children.stopped });
    expect(own.find((p) => p.name === 'host-gone')).toMatchObject({ status: 'stopped', child: { state: 'outstanding' } });
  });

  it('keeps a stopped child listed and restorable, and restores it with its parent link and scope', async () => {
    await w.create('me', ['write:/work']);
    await w.spawn('me', 'kid', ['write:/work/kid']);
    expect(await w.tool('me', 'StopPod', { name: 'kid' })).toMatchObject({ ok: true, content: { action: 'stopped' } });
    const [kid] = (await list('me')).filter((p) => p.name === 'kid');
    expect(kid).toMatchObject({ status: 'stopped', live: false, restore: { possible: true }, child: { state: 'stopped' } });

    const restored = await w.tool('me', 'RestorePod', { name: 'kid' });
    expect(restored).toEqual({ ok: true, summary: 'pod `kid` restored on this host', content: { action: 'restored', name: 'kid' } });
    expect(w.committed('kid').at(-1)).toEqual({ lease: { takenBy: w.host.hostId, driver: 'model' } });
    const [back] = (await list('me')).filter((p) => p.name === 'kid');
    expect(back).toMatchObject({ visibility: 'spawned_child', status: 'idle', live: true, child: { state: 'outstanding' } });
    // Borrowed again: the parent cannot lend the same write scope twice.
    expect(await w.tool('me', 'SpawnPod', { name: 'twin', task: 't', scope: [{ target: '/work/kid', permission: 'write' }] })).toMatchObject({
      ok: false, message: 'scope rule write:/work/kid overlaps write scope write:/work/kid that is already lent to a child',
    });
  });

  it('a stopped child whose scope was lent again cannot be restored, and the listing says why', async () => {
    await w.create('me', ['write:/work']);
    await w.spawn('me', 'kid', ['write:/work/kid']);
    await w.tool('me', 'StopPod', { name: 'kid' });
    await w.spawn('me', 'successor', ['write:/work/kid/src']);
    const [kid] = (await list('me')).filter((p) => p.name === 'kid');
    expect(kid?.restore).toEqual({
      possible: false,
      reason: 'scope rule write:/work/kid overlaps write scope write:/work/kid/src that is already lent to a child',
    });
    expect(await w.tool('me', 'RestorePod', { name: 'kid' })).toMatchObject({ ok: false, kind: 'invalid_argument', message: expect.stringMatching(/^pod `kid` cannot be restored: /) });
  });

  it('a child its parent stopped runs again only by its parent: a peer may not restore it, nor a host take it up', async () => {
    await w.create('me', ['write:/work']);
    await w.spawn('me', 'kid', ['write:/work/kid']);
    await w.create('pal');
    await w.peer('pal', 'kid');
    await w.tool('me', 'StopPod', { name: 'kid' });
    const refusal = 'pod `kid` is a child that `me` stopped; only `me` can run it again (its RestorePod)';
    expect((await list('pal')).find((p) => p.name === 'kid')).toMatchObject({
      visibility: 'peer', status: 'stopped', restore: { possible: false, reason: 'its parent `me` stopped it' },
    });
    expect(await w.tool('pal', 'RestorePod', { name: 'kid' })).toEqual({ ok: false, kind: 'invalid_argument', message: refusal });
    expect(await w.runtime.attach(name('kid'))).toEqual({ ok: false, error: { type: 'StoppedByParent', pod: 'kid', parent: 'me' } });
    expect(await w.uow.run((r) => r.leases.getMany([name('kid')]))).toEqual([]);
    // The scope stays the parent's to lend; its own restore is what runs the child again.
    expect((await list('me')).find((p) => p.name === 'kid')?.restore).toEqual({ possible: true });
    expect(await w.tool('me', 'RestorePod', { name: 'kid' })).toMatchObject({ ok: true, content: { action: 'restored' } });
    expect((await list('pal')).find((p) => p.name === 'kid')).toMatchObject({ live: true, restore: { possible: false, reason: 'already live' } });
  });

  it('RestorePod runs a Pod with its own profile\'s driver, and refuses one whose profile this host lacks', async () => {
    const coder: AcpProfile = {
      name: ProfileName.unsafe('coder'), driver: 'acp', command: 'coder-agent', args: [], env: {}, passEnv: [], idleMs: 60_000, sandbox: 'none', readOnly: [], homeFiles: {},
    };
    const catalog = new InMemoryProfileCatalog([coder]);
    const wp = makeWorld(suite.store().uow(), undefined, {}, { profiles: catalog });
    await wp.create('me');
    expect(await wp.createPod.execute({ name: name('pal'), scope: [], profile: coder.name })).toMatchObject({ ok: true });
    await wp.peer('me', 'pal');
    await wp.goStopped('pal');
    expect(await wp.tool('me', 'RestorePod', { name: 'pal' })).toMatchObject({ ok: true, content: { action: 'restored' } });
    expect(wp.committed('pal').at(-1)).toEqual({ lease: { takenBy: wp.host.hostId, driver: 'acp' } });

    await wp.goStopped('pal');
    await catalog.remove(coder.name);
    expect(await wp.tool('me', 'RestorePod', { name: 'pal' })).toEqual({
      ok: false, kind: 'invalid_argument',
      message: 'pod `pal` runs with profile `coder`, which this host does not have (it has: default); add it with `pods profile add coder --acp -- COMMAND…`, or run the Pod on a host that has it',
    });
    expect(await wp.uow.run((r) => r.leases.getMany([name('pal')]))).toEqual([]);
  });

  it('RestorePod on a live Pod yields already_live and starts nothing', async () => {
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
    await w.goLive('pal', 'running', 'host_elsewhere');
    const before = w.heard.length;
    expect(await w.restorePod.execute({ caller: name('me'), name: name('pal') })).toEqual({
      ok: true, value: { action: 'already_live', name: 'pal', hostId: 'host_elsewhere' },
    });
    expect(w.heard.length).toBe(before);
  });

  it('RestorePod refuses invisible and nonexistent names with the same message', async () => {
    await w.create('me');
    await w.create('hidden');
    const hidden = await w.tool('me', 'RestorePod', { name: 'hidden' });
    const missing = await w.tool('me', 'RestorePod', { name: 'missing' });
    expect(hidden).toEqual({ ok: false, kind: 'invalid_argument', message: 'pod `hidden` is not visible to this Pod' });
    expect(missing).toEqual({ ok: false, kind: 'invalid_argument', message: 'pod `missing` is not visible to this Pod' });
  });

  it('an expired lease counts as stopped, and a restore takes it over', async () => {
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
    await w.goLive('pal', 'idle', 'host_dead');
    w.clock.advance(10_001);
    expect((await list('me')).find((p) => p.name === 'pal')).toMatchObject({ status: 'stopped', live: false });
    expect(await w.restorePod.execute({ caller: name('me'), name: name('pal') })).toMatchObject({ ok: true, value: { action: 'restored', hostId: w.host.hostId } });
  });

  it('answers a page at a time (default 50, at most 200), with a cursor while more match and the totals of the whole set', async () => {
    await w.create('me', ['write:/work']);
    for (let i = 0; i < 205; i++) {
      const peer = `p${String(i).padStart(3, '0')}`;
      await w.create(peer);
      await w.peer('me', peer);
    }
    await w.goLive('p001', 'running');
    const page = async (command: Omit<ListPodsCommand, 'caller'> = {}) => {
      const r = await w.listPods.execute({ caller: name('me'), ...command });
      if (!r.ok) throw new Error(r.error.type);
      return r.value;
    };
    const first = await page();
    expect([first.pods.length, first.pods[0]?.name, first.cursor]).toEqual([50, 'me', 'p048']);
    expect(first.totals).toEqual({ relation: { self: 1, spawned_child: 0, peer: 205 }, status: { idle: 0, running: 1, stopped: 205 } });
    expect((await page({ limit: 1_000 })).pods).toHaveLength(200);
    expect((await page({ limit: 0 })).pods.map((p) => p.name)).toEqual(['me']);
    const last = await page({ limit: 200, after: first.cursor! });
    expect([last.pods.length, last.pods[0]?.name, last.pods.at(-1)?.name, last.cursor]).toEqual([156, 'p049', 'p204', undefined]);
    expect(last.totals).toEqual(first.totals);
    expect((await page({ status: 'running' })).pods.map((p) => p.name)).toEqual(['p001']);
    expect((await page({ prefix: 'p20', relation: 'peer' })).pods.map((p) => p.name)).toEqual(['p200', 'p201', 'p202', 'p203', 'p204']);
  });

  it('ListAllPods shows every Pod in the store for the operator', async () => {
    await w.create('b');
    await w.create('a');
    await w.create('c');
    await w.goLive('b', 'running');
    await w.goLive('c', 'idle', 'host_mcp', 'mcp');
    const listed = await w.listAll.execute();
    expect(listed.map((p) => [p.name, p.status, p.hostId, p.drivenBy])).toEqual([
      ['a', 'stopped', undefined, undefined],
      ['b', 'running', w.host.hostId, 'model'],
      ['c', 'idle', 'host_mcp', 'mcp'],
    ]);
    expect(Object.keys(listed[0] ?? {})).not.toContain('drivenBy');
    expect(await w.listAll.page({ limit: 2 })).toMatchObject({ pods: [{ name: 'a' }, { name: 'b' }], next: 'b' });
    expect(await w.listAll.page({ limit: 2, after: name('b') })).toEqual({ pods: [expect.objectContaining({ name: 'c' })] });
  });
});
