import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { StoreFollower, type FollowEvent } from '../../src/application/host/store-follower.js';
import type { Repositories, UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { FindUnservedPods } from '../../src/application/use-cases/find-unserved-pods.js';
import { says, ScriptedModel } from '../support/scripted-model.js';
import { body, makeWorld, name, type World } from '../support/world.js';
import { eventually } from '../support/until.js';

/** The in-memory store, counting the lease acquisitions every unit of work attempts. */
function countingStore() {
  const inner = new InMemoryUnitOfWork();
  const counts = { acquires: 0, units: 0 };
  const uow: UnitOfWork & { readonly events: InMemoryUnitOfWork['events'] } = {
    events: inner.events,
    run: (work) => {
      counts.units += 1;
      return inner.run((repos) => {
        const leases: Repositories['leases'] = Object.create(repos.leases) as Repositories['leases'];
        leases.tryAcquire = (...args) => {
          counts.acquires += 1;
          return repos.leases.tryAcquire(...args);
        };
        return work({ ...repos, leases });
      });
    },
  };
  return { uow, counts };
}


describe('StoreFollower (pods serve without --pod)', () => {
  let w: World;
  let model: ScriptedModel;
  let follower: StoreFollower;
  let counts: { acquires: number; units: number };
  let picked: FollowEvent[];
  beforeEach(() => {
    model = new ScriptedModel();
    const store = countingStore();
    counts = store.counts;
    w = makeWorld(store.uow, model, { leaseTtlMs: 200 });
    follower = new StoreFollower(w.runtime, store.uow.events, new FindUnservedPods(w.uow, w.clock), w.host);
    picked = [];
    follower.on((e) => picked.push(e));
    w.runtime.start();
  });
  afterEach(async () => {
    await follower.stop();
    await w.runtime.shutdown();
  });

  const lease = async (pod: string) => (await w.uow.run((r) => r.leases.getMany([name(pod)])))[0];

  it('takes what is free at start, then a Pod created later, whose peer message is delivered live and answered here', async () => {
    await w.create('c');
    follower.start();
    await follower.settled();
    expect(w.runtime.running()).toEqual(['c']);

    await w.create('d');
    await eventually('d to be picked up', () => w.runtime.isRunning(name('d')));
    expect(picked).toEqual([{ type: 'picked_up', pod: 'c' }, { type: 'picked_up', pod: 'd' }]);
    expect(await lease('d')).toMatchObject({ hostId: w.host.hostId, driver: 'model' });

    await w.peer('c', 'd');
    model.push(says('hi back'));
    const sent = await w.tool('c', 'SendToPeerPod', { name: 'd', message: 'hi' });
    expect(sent).toMatchObject({ ok: true, content: { delivered_to: 'live' } });
    await w.runtime.idle(name('d'));
    expect((await w.history('d')).map((e) => e.kind)).toEqual(['peer_message', 'assistant_message']);
  });

  it('never takes a Pod live on another host (here driven over MCP) however often it is announced, and takes it once released', async () => {
    await w.create('m');
    await w.goLive('m', 'idle', 'host_mcp', 'mcp');
    follower.start();
    await follower.settled();
    const acquiresBefore = counts.acquires;
    for (let i = 0; i < 5; i += 1) await w.operatorInput.execute({ pod: name('m'), text: body(`hello ${i}`) });
    await follower.settled();
    expect(w.runtime.isRunning(name('m'))).toBe(false);
    expect(await lease('m')).toMatchObject({ hostId: 'host_mcp', driver: 'mcp' });
    // An announced Pod that is live elsewhere costs a lease read, not an attempt to take it.
    expect(counts.acquires).toBe(acquiresBefore);

    await w.uow.run((r) => r.leases.release(name('m'), 'host_mcp'));
    await eventually('m to be picked up after its release', () => w.runtime.isRunning(name('m')));
    expect(picked).toEqual([{ type: 'picked_up', pod: 'm' }]);
  });

  it('leaves a child its parent stopped alone, and tries only announced or stopped Pods among many', async () => {
    await w.create('p', ['write:/work']);
    await w.spawn('p', 'kid');
    expect(await w.tool('p', 'StopPod', { name: 'kid' })).toMatchObject({ ok: true, content: { action: 'stopped' } });
    for (let i = 0; i < 40; i += 1) {
      await w.create(`busy${i}`);
      await w.goLive(`busy${i}`, 'idle', 'host_other');
    }
    counts.acquires = 0;
    follower.start();
    await follower.settled();
    expect(w.runtime.running()).toEqual(['p']);
    expect(counts.acquires).toBe(1); // p's only: none of the 40 live Pods, not the stopped child

    await w.create('late');
    await eventually('late to be picked up', () => w.runtime.isRunning(name('late')));
    expect(counts.acquires).toBe(2);
    expect(w.runtime.isRunning(name('kid'))).toBe(false);
  });

  it('finds a Pod whose host died by the sweep, once its lease expired, with no notice', async () => {
    await w.create('orphan');
    await w.goLive('orphan', 'idle', 'host_dead');
    follower.start();
    await follower.settled();
    expect(w.runtime.isRunning(name('orphan'))).toBe(false);
    w.clock.advance(10_001); // the dead host's lease runs out; nothing announces it
    await eventually('the sweep to take orphan', () => w.runtime.isRunning(name('orphan')));
  });

  it('takes nothing once stopped', async () => {
    follower.start();
    await follower.stop();
    await w.create('after');
    await new Promise((r) => setImmediate(r));
    await follower.settled();
    expect(w.runtime.running()).toEqual([]);
  });
});

describe('CreatePod with hold', () => {
  it('takes the lease in the creating unit of work, so a following host cannot take the new Pod first', async () => {
    const uow = new InMemoryUnitOfWork();
    const creator = makeWorld(uow);
    const server = makeWorld(uow);
    const follower = new StoreFollower(server.runtime, uow.events, new FindUnservedPods(uow, server.clock), server.host);
    server.runtime.start();
    follower.start();
    try {
      await follower.settled();
      const created = await creator.createPod.execute({ name: name('tui-pod'), scope: [], hold: 'model' });
      expect(created.ok).toBe(true);
      await new Promise((r) => setImmediate(r));
      await follower.settled();
      expect(server.runtime.isRunning(name('tui-pod'))).toBe(false);
      expect(await creator.runtime.attach(name('tui-pod'))).toEqual({ ok: true, value: undefined });
    } finally {
      await follower.stop();
      await server.runtime.shutdown();
      await creator.runtime.shutdown();
    }
  });
});
