import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import type { LiveEvent } from '../../src/application/ports/live-events.js';
import type { PodEvent } from '../../src/application/ports/pod-events.js';
import type { Repositories } from '../../src/application/ports/unit-of-work.js';
import type { ModelReply } from '../../src/application/ports/model.js';
import { calls, says, ScriptedModel } from '../support/scripted-model.js';
import { body, makeWorld, name, type World } from '../support/world.js';
import { eventually } from '../support/until.js';

const HOST_LEVEL = new Set(['turn_started', 'turn_ended', 'lease_lost', 'store_unreachable', 'store_back', 'store_lost']);
const isHostLevel = (e: PodEvent): e is LiveEvent => HOST_LEVEL.has(e.type);

describe('HostRuntime', () => {
  let w: World;
  let model: ScriptedModel;
  let events: LiveEvent[];
  beforeEach(async () => {
    model = new ScriptedModel();
    w = makeWorld(new InMemoryUnitOfWork(), model);
    events = [];
    // What the host says of its turns and itself (not the steps in between, nor the store's commits).
    w.events.subscribe((e) => void (isHostLevel(e) && events.push(e)));
    w.runtime.start();
    await w.create('me', ['write:/work']);
    await w.create('pal');
    await w.peer('me', 'pal');
  });
  afterEach(async () => w.runtime.shutdown());

  const lease = async (pod: string) => (await w.uow.run((t) => t.leases.getMany([name(pod)])))[0];

  it('runs a turn when operator input is committed, then goes back to idle', async () => {
    model.push(says('hello'));
    expect(await w.runtime.attach(name('me'))).toEqual({ ok: true, value: undefined });
    await w.operatorInput.execute({ pod: name('me'), text: body('hi') });
    await w.runtime.idle(name('me'));
    expect((await w.history('me')).map((e) => e.kind)).toEqual(['user_input', 'assistant_message']);
    expect(await lease('me')).toMatchObject({ hostId: w.host.hostId, status: 'idle' });
    expect(events).toEqual([
      { type: 'turn_started', pod: 'me', hostId: w.host.hostId },
      { type: 'turn_ended', pod: 'me', end: 'finished', steps: 1, ms: expect.any(Number), answered: 1 },
    ]);
  });

  it('refuses to attach a Pod another host holds', async () => {
    await w.goLive('pal', 'idle', 'host_other');
    expect(await w.runtime.attach(name('pal'))).toMatchObject({ ok: false, error: { heldBy: { hostId: 'host_other' } } });
    expect(w.runtime.isRunning(name('pal'))).toBe(false);
  });

  it('shows running while a turn is in flight', async () => {
    let release: ((r: ModelReply) => void) | undefined;
    model.push(() => new Promise<ModelReply>((resolve) => { release = resolve; }));
    await w.runtime.attach(name('me'));
    await w.operatorInput.execute({ pod: name('me'), text: body('think hard') });
    await eventually('the model request in flight', () => release !== undefined);
    expect(await lease('me')).toMatchObject({ status: 'running' });
    expect(w.runtime.busy(name('me'))).toBe(true);
    release?.(says('done'));
    await w.runtime.idle(name('me'));
    expect(await lease('me')).toMatchObject({ status: 'idle' });
  });

  it('lets a peer message start a turn on a live idle Pod, through the same signals', async () => {
    model.push(says('thanks, pal'));
    await w.runtime.attach(name('me'));
    await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'psst' });
    await w.runtime.idle(name('me'));
    expect((await w.history('me')).at(-1)).toMatchObject({ kind: 'assistant_message', text: 'thanks, pal' });
  });

  it('wakes for a commit made by another host on the same store, with no signal of its own', async () => {
    model.push(says('heard you, other host'));
    await w.runtime.attach(name('me'));
    const otherHost = makeWorld(w.uow);
    await otherHost.tool('pal', 'SendToPeerPod', { name: 'me', message: 'from another process' });
    // Only the commit, as the other host's store announced it, woke this one.
    expect(w.committed('me').at(-1)).toEqual({ history: true });
    await eventually('the turn the commit started', async () => (await w.history('me')).length >= 2);
    await w.runtime.idle(name('me'));
    expect((await w.history('me')).at(-1)).toMatchObject({ kind: 'assistant_message', text: 'heard you, other host' });
  });

  it('runs a spawned child on the same host and wakes the parent with its completion', async () => {
    model.push(calls('SpawnPod', { name: 'kid', task: 'count' }), says('spawned'), says('counted: 3'), says('kid is done'));
    await w.runtime.attach(name('me'));
    await w.operatorInput.execute({ pod: name('me'), text: body('delegate') });
    await eventually('the parent woken by the child\'s completion', async () => {
      await w.runtime.idle(name('kid'));
      await w.runtime.idle(name('me'));
      return (await w.history('me')).some((e) => e.kind === 'assistant_message' && e.text === 'kid is done');
    });
    expect((await w.history('kid')).map((e) => e.kind)).toEqual(['user_input', 'assistant_message']);
    expect((await w.history('me')).map((e) => e.kind)).toEqual([
      'user_input', 'tool_call', 'tool_result', 'assistant_message', 'pod_event', 'assistant_message',
    ]);
  });

  it('cancels a turn in flight and records that it was cancelled', async () => {
    let requested = false;
    model.push((req) => new Promise<ModelReply>((resolve) => {
      requested = true;
      req.signal?.addEventListener('abort', () => resolve({ ok: false, error: 'aborted' }));
    }));
    await w.runtime.attach(name('me'));
    await w.operatorInput.execute({ pod: name('me'), text: body('long job') });
    await eventually('the model request in flight', () => requested);
    expect(w.runtime.cancel(name('me'))).toBe(true);
    await w.runtime.idle(name('me'));
    expect((await w.history('me')).at(-1)).toMatchObject({ kind: 'notice', code: 'turn_cancelled' });
    expect(w.runtime.cancel(name('me'))).toBe(false);
  });

  it('stops running a child its parent stopped', async () => {
    await w.runtime.attach(name('me'));
    await w.spawn('me', 'kid');
    await w.runtime.idle(name('kid'));
    expect(w.runtime.isRunning(name('kid'))).toBe(true);
    const lost = new Promise((resolve) => w.events.subscribe((e) => e.type === 'lease_lost' && e.pod === 'kid' && resolve(e)));
    await w.tool('me', 'StopPod', { name: 'kid' });
    // The ended lease, announced after the commit, is checked with one read and the child dropped.
    expect(await lost).toEqual({ type: 'lease_lost', pod: 'kid' });
    expect(w.runtime.isRunning(name('kid'))).toBe(false);
  });

  it('shutdown waits for the turn to commit its step and releases every lease', async () => {
    let release: ((r: ModelReply) => void) | undefined;
    model.push(() => new Promise<ModelReply>((resolve) => { release = resolve; }));
    await w.runtime.attach(name('me'));
    await w.operatorInput.execute({ pod: name('me'), text: body('work') });
    await eventually('the model request in flight', () => release !== undefined);
    const done = w.runtime.shutdown();
    release?.(says('finished my thought'));
    await done;
    expect((await w.history('me')).at(-1)).toMatchObject({ kind: 'notice', code: 'turn_cancelled' });
    expect(await lease('me')).toBeUndefined();
  });
});

describe('HostRuntime shutdown', () => {
  /** Counts the units of work the runtime opens, over the in-memory store. */
  class CountingUnitOfWork extends InMemoryUnitOfWork {
    opened = 0;
    override run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
      this.opened += 1;
      return super.run(work);
    }
  }

  it('opens no unit of work when it hosts nothing, and gives back the leases of what it hosted', async () => {
    const uow = new CountingUnitOfWork();
    const w = makeWorld(uow, new ScriptedModel());
    w.runtime.start();
    await w.create('me');
    const before = uow.opened;
    await w.runtime.shutdown();
    expect(uow.opened).toBe(before);

    const hosting = makeWorld(uow, new ScriptedModel());
    hosting.runtime.start();
    expect(await hosting.runtime.attach(name('me'))).toEqual({ ok: true, value: undefined });
    const attached = uow.opened;
    await hosting.runtime.shutdown();
    expect(uow.opened).toBe(attached + 1);
    expect((await uow.run((t) => t.leases.getMany([name('me')])))[0]).toBeUndefined();
  });
});
