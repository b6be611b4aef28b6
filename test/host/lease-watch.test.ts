import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { LeaseWatch, type LeaseWatchEvent } from '../../src/application/host/lease-watch.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { FindUnservedPods } from '../../src/application/use-cases/find-unserved-pods.js';
import { says, ScriptedModel } from '../support/scripted-model.js';
import { body, makeWorld, name, type World } from '../support/world.js';
import { eventually } from '../support/until.js';


describe('LeaseWatch (a TUI viewing a Pod another host runs)', () => {
  let uow: InMemoryUnitOfWork;
  let w: World;
  let model: ScriptedModel;
  let watch: LeaseWatch;
  let events: LeaseWatchEvent[];
  /** How many looks the watch has finished. */
  let looks: number;
  const stops: (() => void)[] = [];
  beforeEach(() => {
    uow = new InMemoryUnitOfWork();
    model = new ScriptedModel();
    w = makeWorld(uow, model, { leaseTtlMs: 200 });
    looks = 0;
    // The watch's lease reads, counted: one per look.
    const counted: UnitOfWork = { run: (work) => uow.run(work).finally(() => (looks += 1)) };
    watch = new LeaseWatch(w.runtime, uow.events, new FindUnservedPods(uow, w.clock), w.host, counted, w.clock);
    events = [];
    w.runtime.start();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await w.runtime.shutdown();
  });
  const start = (pod: string, heldBy: string | undefined) => stops.push(watch.watch(name(pod), heldBy, (e) => events.push(e)));

  it('takes the Pod when its host releases it, and answers what was typed while viewing', async () => {
    await w.create('main');
    await w.goLive('main', 'idle', 'host_a');
    start('main', 'host_a');
    await w.operatorInput.execute({ pod: name('main'), text: body('typed while viewing') });
    await eventually('a look after the input', () => looks >= 2);
    expect(w.runtime.isRunning(name('main'))).toBe(false);

    model.push(says('answered here'));
    await uow.run((r) => r.leases.release(name('main'), 'host_a'));
    await eventually('main to run here', () => w.runtime.isRunning(name('main')));
    expect(events).toEqual([{ type: 'taken_over', pod: 'main' }]);
    await eventually('the typed line to be answered', async () => (await w.history('main')).some((e) => e.kind === 'assistant_message'));
    expect((await w.history('main')).map((e) => e.kind)).toEqual(['user_input', 'assistant_message']);
  });

  it('takes a Pod whose host died once its lease expired, with no notice', async () => {
    await w.create('orphan');
    await w.goLive('orphan', 'idle', 'host_dead');
    start('orphan', 'host_dead');
    await eventually('the first look', () => looks >= 1);
    expect(w.runtime.isRunning(name('orphan'))).toBe(false);
    w.clock.advance(10_001);
    await eventually('orphan to run here', () => w.runtime.isRunning(name('orphan')));
    expect(events).toEqual([{ type: 'taken_over', pod: 'orphan' }]);
  });

  it('says which host took the Pod when another one was first, and keeps watching', async () => {
    await w.create('main');
    await w.goLive('main', 'idle', 'host_a');
    // Between the rule's read and the take, host_b takes the Pod: the race a quitting host leaves.
    let race = true;
    const find = new FindUnservedPods(uow, w.clock);
    const read = find.execute.bind(find);
    find.execute = async (query) => {
      const free = await read(query);
      if (race && free.length > 0) {
        race = false;
        const now = w.clock.now();
        await uow.run((r) => r.leases.tryAcquire(name('main'), 'host_b', now, new Date(now.getTime() + 10_000), 'model'));
      }
      return free;
    };
    watch = new LeaseWatch(w.runtime, uow.events, find, w.host, uow, w.clock);
    start('main', 'host_a');
    await uow.run((r) => r.leases.release(name('main'), 'host_a'));
    await eventually('the watch to see host_b', () => events.length > 0);
    expect(events).toEqual([{ type: 'taken_elsewhere', pod: 'main', hostId: 'host_b' }]);
    expect(w.runtime.isRunning(name('main'))).toBe(false);
    await uow.run((r) => r.leases.release(name('main'), 'host_b'));
    await eventually('main to run here', () => w.runtime.isRunning(name('main')));
    expect(events.at(-1)).toEqual({ type: 'taken_over', pod: 'main' });
  });

  it('says which host runs the Pod now when its lease changed hands between two looks', async () => {
    await w.create('main');
    await w.goLive('main', 'idle', 'host_a');
    start('main', undefined);
    await eventually('the first look', () => looks >= 1);
    // host_a gives the Pod up and host_b takes it in one commit: one notice, a live lease.
    await uow.run(async (r) => {
      await r.leases.release(name('main'), 'host_a');
      const now = w.clock.now();
      await r.leases.tryAcquire(name('main'), 'host_b', now, new Date(now.getTime() + 10_000), 'model');
    });
    await eventually('the watch to see host_b', () => events.length > 0);
    expect(events).toEqual([{ type: 'taken_elsewhere', pod: 'main', hostId: 'host_b' }]);
    expect(w.runtime.isRunning(name('main'))).toBe(false);
  });

  it('never takes a child its parent stopped', async () => {
    await w.create('p');
    await w.spawn('p', 'kid');
    await w.goStopped('kid');
    await w.goLive('kid', 'idle', 'host_a');
    // The spawn ran it here first: this host notices it lost it (one renewal) before the watch starts.
    await eventually('kid to stop running here', () => !w.runtime.isRunning(name('kid')));
    start('kid', 'host_a');
    expect(await w.tool('p', 'StopPod', { name: 'kid' })).toMatchObject({ ok: true });
    const before = looks;
    w.clock.advance(10_001);
    // Two ticks of the lease lifetime after the child's lease expired.
    await eventually('two more looks', () => looks >= before + 2);
    expect(w.runtime.isRunning(name('kid'))).toBe(false);
    expect(events).toEqual([]);
  });
});
