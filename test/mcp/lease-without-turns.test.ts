import { KnownHistory } from '../../src/application/host/known-history.js';
import { afterEach, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { HostRuntime } from '../../src/application/host/host-runtime.js';
import { ProcessPodHost } from '../../src/adapters/host/process-pod-host.js';
import { PodEventStream } from '../../src/adapters/events/pod-event-stream.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { says, ScriptedModel } from '../support/scripted-model.js';
import { body, makeWorld, name } from '../support/world.js';
import { eventually } from '../support/until.js';


const stopping: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stopping.splice(0)) await stop();
});

describeOnEveryStore("HostRuntime.attach(pod, { driver: 'mcp' }): the lease of a Pod an external agent drives", ({ store }) => {
  // Short leases and polls, so renewals and the polling fallback happen within the test.
  const world = (model: ScriptedModel) => makeWorld(store().uow(), model, { leaseTtlMs: 300, pollMs: 20 });

  it('holds and renews the lease but runs no turn, while other Pods of the same host still run', async () => {
    const model = new ScriptedModel(says('pal answers'));
    const w = world(model);
    stopping.push(() => w.runtime.shutdown());
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
    w.runtime.start();
    expect(await w.runtime.attach(name('me'), { driver: 'mcp' })).toEqual({ ok: true, value: undefined });
    expect(await w.runtime.attach(name('pal'))).toEqual({ ok: true, value: undefined });

    await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'are you there?' });
    await w.operatorInput.execute({ pod: name('me'), text: body('operator says hi') });
    await w.operatorInput.execute({ pod: name('pal'), text: body('and to pal') });
    await eventually('pal answered', async () => (await w.history('pal')).some((e) => e.kind === 'assistant_message'));
    await new Promise((r) => setTimeout(r, 150)); // several polls and renewals
    expect(model.requests.every((r) => !JSON.stringify(r).includes('are you there?'))).toBe(true);
    expect((await w.history('me')).map((e) => e.kind)).toEqual(['peer_message', 'user_input']);

    // Still ours after the clock passed the first expiry: renewed, not lost.
    const first = (await w.uow.run((r) => r.leases.getMany([name('me')])))[0];
    w.clock.advance(250);
    await eventually('renewed', async () => ((await w.uow.run((r) => r.leases.getMany([name('me')])))[0]?.expiresAt ?? 0) > (first?.expiresAt ?? 0));
    expect((await w.uow.run((r) => r.leases.getMany([name('me')])))[0]).toMatchObject({ hostId: w.host.hostId, status: 'idle', driver: 'mcp' });

    // No other host can take it; shutdown gives it back.
    const other = new HostRuntime(w.uow, w.clock, new ProcessPodHost(), new PodEventStream(), w.runTurn, {
      stepLimit: 16, pollMs: 20, leaseTtlMs: 300, storeOutageLimitMs: 1_000,
    }, new KnownHistory(), w.agentSessions, w.profiles);
    expect(await other.attach(name('me'))).toMatchObject({ ok: false, error: { type: 'Held', heldBy: { hostId: w.host.hostId } } });
    await w.runtime.shutdown();
    expect(await w.uow.run((r) => r.leases.getMany([name('me')]))).toEqual([]);
    expect((await w.history('me')).map((e) => e.kind)).toEqual(['peer_message', 'user_input']);
  });
});

it('keeps a Pod attached without turns turn-less when an event says this host took its lease (again)', async () => {
  const model = new ScriptedModel();
  const uow = new InMemoryUnitOfWork();
  const w = makeWorld(uow, model, { pollMs: 20 });
  stopping.push(() => w.runtime.shutdown());
  await w.create('me');
  w.runtime.start();
  await w.runtime.attach(name('me'), { driver: 'mcp' });
  uow.events.emit({ type: 'committed', pod: name('me'), changes: { lease: { takenBy: w.host.hostId, driver: 'model' } } });
  await w.operatorInput.execute({ pod: name('me'), text: body('hello?') });
  await new Promise((r) => setTimeout(r, 100));
  expect(model.requests).toEqual([]);
  expect(w.runtime.busy(name('me'))).toBe(false);
});
