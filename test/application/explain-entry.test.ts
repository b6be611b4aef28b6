import { beforeEach, expect, it } from 'vitest';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { body, makeWorld, name, type World } from '../support/world.js';

describeOnEveryStore('ExplainEntry', (suite) => {
  let w: World;
  beforeEach(async () => {
    w = suite.world();
    await w.create('a');
    await w.create('b');
  });

  const explain = (pod: string, seq: number) => w.explain.execute({ pod: name(pod), seq });

  it('traces a peer message to the relation and the :peer command that created it', async () => {
    const createdAt = w.clock.now();
    const relation = await w.peer('b', 'a');
    w.clock.advance(60_000);
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'hi' });
    const r = await explain('b', 1);
    expect(r).toMatchObject({
      ok: true,
      value: {
        entry: { kind: 'peer_message', from: 'a', body: 'hi' },
        chain: [
          { step: 'peer_relation', relationId: relation.id, between: ['a', 'b'], current: true },
          { step: 'operator_command', command: 'peer', record: { action: 'peer_added', initiatedFrom: 'b', via: 'test', at: createdAt } },
        ],
      },
    });
  });

  it('still explains a message after the relation is gone, and shows the removal', async () => {
    await w.peer('a', 'b');
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'hi' });
    await w.removePeer.execute({ from: name('b'), to: name('a'), via: 'cli' });
    const r = await explain('b', 1);
    expect(r.ok && r.value.chain.map((c) => (c.step === 'operator_command' ? `${c.command} from ${c.record.initiatedFrom}` : `${c.step} current=${String('current' in c && c.current)}`))).toEqual([
      'peer_relation current=false', 'peer from a', 'unpeer from b',
    ]);
  });

  it('explains user input by its origin: the operator, or the parent through child ownership', async () => {
    await w.operatorInput.execute({ pod: name('a'), text: body('hello') });
    expect(await explain('a', 1)).toMatchObject({ ok: true, value: { chain: [{ step: 'operator_input' }] } });
    await w.spawn('a', 'kid');
    expect(await explain('kid', 1)).toMatchObject({
      ok: true, value: { chain: [{ step: 'child_ownership', parent: 'a', child: 'kid', state: 'outstanding' }] },
    });
  });

  it('explains model output, pod events and notices', async () => {
    await w.spawn('a', 'kid');
    await w.append('a', { kind: 'assistant_message', text: 'thinking' });
    await w.append('a', { kind: 'pod_event', child: name('kid'), event: 'finished' });
    await w.append('a', { kind: 'notice', code: 'ping_pong_breaker', text: 'x' });
    const chains = await Promise.all([1, 2, 3].map(async (seq) => {
      const r = await explain('a', seq);
      return r.ok ? r.value.chain[0]?.step : r.error.type;
    }));
    expect(chains).toEqual(['model_output', 'child_ownership', 'control_plane']);
  });

  it('refuses unknown Pods and entries', async () => {
    expect(await explain('ghost', 1)).toEqual({ ok: false, error: { type: 'PodNotFound', name: 'ghost' } });
    expect(await explain('a', 7)).toEqual({ ok: false, error: { type: 'EntryNotFound', pod: 'a', seq: 7 } });
  });
});
