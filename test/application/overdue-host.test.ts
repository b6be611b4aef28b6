import { expect, it } from 'vitest';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';

describeOnEveryStore('a delivery to a live Pod says whether its host renews its lease on time', ({ world }) => {
  it('`host: current` within a renewal period (a third of the lease), `host: overdue` with how long past it; stopped: no host', async () => {
    const w = world();
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
    await w.goLive('b', 'idle', 'host_b'); // a 10 s lease, renewed now
    w.clock.advance(3_000);
    const onTime = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'one' });
    expect(onTime).toMatchObject({ ok: true, summary: 'sent peer message to `b`; it started a turn', content: { delivered_to: 'live', host: 'current', turn: 'started' } });

    w.clock.advance(4_000); // 7 s without a renewal: the host missed one, and the lease has 3 s left
    const late = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'two' });
    expect(late).toMatchObject({
      ok: true,
      summary: 'sent peer message to `b`; it started a turn, but its host has not renewed its lease for 7.0 s and may have stopped: if so, it sees the message once its lease expires and a host runs it again',
      content: { delivered_to: 'live', host: 'overdue', turn: 'started' },
    });
    await w.spawn('a', 'kid');
    await w.goStopped('kid'); // the spawn ran it on this world's host; another one runs it now
    await w.goLive('kid', 'idle', 'host_b');
    w.clock.advance(4_000);
    expect(await w.tool('a', 'SendToPod', { name: 'kid', message: 'three' })).toMatchObject({ ok: true, content: { delivered_to: 'live', host: 'overdue' } });

    w.clock.advance(10_000);
    const stopped = await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'four' });
    expect(stopped.ok && stopped.content).toEqual(expect.not.objectContaining({ host: expect.anything() }));
    expect(stopped).toMatchObject({ ok: true, content: { delivered_to: 'stopped', turn: 'none' } });
  });
});
