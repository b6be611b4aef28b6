import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import type { PodEvent } from '../../src/application/ports/pod-events.js';
import { StoreUnavailable } from '../../src/application/ports/store-unavailable.js';
import type { Repositories, UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { says, ScriptedModel } from '../support/scripted-model.js';
import { body, makeWorld, name, type World } from '../support/world.js';
import { eventually } from '../support/until.js';

/** A store that can be switched off: every unit of work then fails as an unreachable server does. */
class SwitchableStore implements UnitOfWork {
  down = false;
  calls = 0;
  constructor(readonly inner: UnitOfWork) {}
  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    this.calls += 1;
    if (this.down) return Promise.reject(new StoreUnavailable('the store is unreachable: connect ECONNREFUSED'));
    return this.inner.run(work);
  }
}


describe('HostRuntime while the store is unreachable', () => {
  let w: World | undefined;
  afterEach(async () => w?.runtime.shutdown());

  async function hostedWorld(storeOutageLimitMs = 60_000) {
    const store = new SwitchableStore(new InMemoryUnitOfWork());
    const model = new ScriptedModel();
    const world = makeWorld(store, model, { pollMs: 50, leaseTtlMs: 300, storeOutageLimitMs });
    w = world;
    const events: PodEvent[] = [];
    world.events.subscribe((e) => events.push(e));
    world.runtime.start();
    await world.create('me');
    expect(await world.runtime.attach(name('me'))).toMatchObject({ ok: true });
    return { store, model, world, events };
  }

  it('says once that the store is gone and once that it is back, keeps its Pods, and answers what was committed', async () => {
    const { store, model, world, events } = await hostedWorld();
    store.down = true;
    await eventually('the outage notice', () => events.some((e) => e.type === 'store_unreachable'));
    const callsDuringOutage = store.calls;
    await eventually('some retries', () => store.calls > callsDuringOutage + 3);
    // Another process commits input while this host cannot see the store: no signal reaches
    // this host, so only catching up from history after the outage can answer it.
    const elsewhere = makeWorld(store.inner);
    await elsewhere.operatorInput.execute({ pod: name('me'), text: body('are you still there?') });
    model.push(says('answered after the outage'));
    store.down = false;
    await eventually('the answer', async () => (await world.history('me')).some((e) => e.kind === 'assistant_message'));
    expect(events.filter((e) => e.type === 'store_unreachable')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'store_back')).toHaveLength(1);
    expect(events.some((e) => (e.type === 'turn_ended' && e.error !== undefined) || e.type === 'store_lost' || e.type === 'lease_lost')).toBe(false);
    expect(world.runtime.running()).toEqual([name('me')]);
    expect((await world.history('me')).map((e) => [e.seq, e.kind])).toEqual([[1, 'user_input'], [2, 'assistant_message']]);
  });

  it('retries with backoff rather than spinning', async () => {
    const { store, events } = await hostedWorld();
    store.down = true;
    await eventually('the outage notice', () => events.some((e) => e.type === 'store_unreachable'));
    const before = store.calls;
    await new Promise((r) => setTimeout(r, 1_000));
    // Polling every 50 ms plus renewals would make ~40 calls a second; backoff and one loop per Pod keep it low.
    expect(store.calls - before).toBeLessThan(60);
    store.down = false;
    await eventually('the store back', () => events.some((e) => e.type === 'store_back'));
  });

  it('gives up once the outage outlasts its limit, and shuts down without the store', async () => {
    const { store, world, events } = await hostedWorld(300);
    store.down = true;
    await eventually('store_lost', () => events.some((e) => e.type === 'store_lost'));
    expect(events.filter((e) => e.type === 'store_lost')).toHaveLength(1);
    await expect(world.runtime.shutdown()).resolves.toBeUndefined();
  });

  it('keeps every Pod it hosts through an outage longer than a lease: an expired lease no one took is taken back', async () => {
    const { store, world, events } = await hostedWorld();
    await world.create('two');
    await world.create('three');
    for (const pod of ['two', 'three']) expect(await world.runtime.attach(name(pod))).toMatchObject({ ok: true });
    store.down = true;
    await eventually('the outage notice', () => events.some((e) => e.type === 'store_unreachable'));
    world.clock.advance(100 * 300); // a hundred lease lifetimes: every lease in the store has expired
    store.down = false;
    await eventually('the store back', () => events.some((e) => e.type === 'store_back'));
    const hostId = world.host.hostId;
    await eventually('the leases renewed', async () => {
      const leases = await store.inner.run((r) => r.leases.getMany(['me', 'two', 'three'].map(name)));
      return leases.length === 3 && leases.every((l) => l.hostId === hostId && l.expiresAt > world.clock.now());
    });
    expect(events.filter((e) => e.type === 'lease_lost')).toEqual([]);
    expect([...world.runtime.running()].sort()).toEqual(['me', 'three', 'two']);
  });

  it('after an outage, loses a Pod another host took meanwhile (naming it) and one whose lease was ended; keeps the rest', async () => {
    const { store, world, events } = await hostedWorld();
    await world.create('taken');
    await world.create('revoked');
    for (const pod of ['taken', 'revoked']) expect(await world.runtime.attach(name(pod))).toMatchObject({ ok: true });
    store.down = true;
    await eventually('the outage notice', () => events.some((e) => e.type === 'store_unreachable'));
    world.clock.advance(100 * 300);
    const now = world.clock.now();
    await store.inner.run(async (r) => {
      expect(await r.leases.tryAcquire(name('taken'), 'host_other', now, new Date(now.getTime() + 60_000))).toMatchObject({ acquired: true });
      await r.leases.revoke(name('revoked'));
    });
    store.down = false;
    await eventually('two leases lost', () => events.filter((e) => e.type === 'lease_lost').length === 2);
    expect(events.filter((e) => e.type === 'lease_lost')).toEqual(expect.arrayContaining([
      { type: 'lease_lost', pod: 'taken', holder: 'host_other' },
      { type: 'lease_lost', pod: 'revoked' },
    ]));
    expect(world.runtime.running()).toEqual([name('me')]);
  });
});
