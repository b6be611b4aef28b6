import { expect, it } from 'vitest';
import { HISTORY_PAGE } from '../../src/application/use-cases/read-history.js';
import { TakeUnseenInbound } from '../../src/application/use-cases/take-unseen-inbound.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { body, name } from '../support/world.js';

describeOnEveryStore('TakeUnseenInbound', ({ world }) => {
  const take = (pod: string, maxEntries = 20, maxBytes = 32 * 1024) => world().takeInbound.execute({ pod: name(pod), maxEntries, maxBytes });

  it('returns the inbound entries not yet returned, oldest first, each once, skipping model output', async () => {
    const w = world();
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
    await w.operatorInput.execute({ pod: name('a'), text: body('hello from the operator') });
    await w.append('a', { kind: 'assistant_message', text: 'model output is not inbound' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'ping' });
    const first = await take('a');
    expect(first.ok && first.value.entries.map((e) => e.kind)).toEqual(['user_input', 'peer_message']);
    expect(first.ok && first.value).toMatchObject({ waiting: 0, cursor: 3, entries: [{ seq: 1 }, { seq: 3, from: 'b', body: 'ping', pairSeq: 1 }] });
    expect(await take('a')).toEqual({ ok: true, value: { entries: [], waiting: 0, cursor: 3 } });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'pong?' });
    const next = await take('a');
    expect(next.ok && next.value.entries).toEqual([expect.objectContaining({ seq: 4, kind: 'peer_message', body: 'pong?', pairSeq: 2 })]);
  });

  it('bounds a result by count and by bytes, says how many wait, and hands them out next', async () => {
    const w = world();
    await w.create('a');
    for (let i = 1; i <= 5; i += 1) await w.append('a', { kind: 'notice', code: 'run_errored', text: `n${i}` });
    const byCount = await take('a', 2);
    expect(byCount.ok && byCount.value).toMatchObject({ entries: [{ seq: 1 }, { seq: 2 }], waiting: 3, cursor: 2 });
    // The first entry is always taken, however big; the next only while it fits.
    const byBytes = await take('a', 20, 10);
    expect(byBytes.ok && byBytes.value).toMatchObject({ entries: [{ seq: 3 }], waiting: 2, cursor: 3 });
    const rest = await take('a');
    expect(rest.ok && rest.value).toMatchObject({ entries: [{ seq: 4 }, { seq: 5 }], waiting: 0, cursor: 5 });
  });

  it('reads past pages of model output and counts every inbound entry left for later, across pages', async () => {
    const w = world();
    await w.create('a');
    for (let i = 0; i < 2 * HISTORY_PAGE; i += 1) await w.append('a', { kind: 'assistant_message', text: `output ${i}` });
    for (let i = 1; i <= HISTORY_PAGE + 5; i += 1) await w.append('a', { kind: 'notice', code: 'run_errored', text: `n${i}` });
    const first = await take('a', 2);
    expect(first.ok && first.value).toMatchObject({ entries: [{ seq: 2 * HISTORY_PAGE + 1 }, { seq: 2 * HISTORY_PAGE + 2 }], waiting: HISTORY_PAGE + 3, cursor: 2 * HISTORY_PAGE + 2 });
    const rest = await take('a', 1_000, 1024 * 1024);
    expect(rest.ok && rest.value).toMatchObject({ waiting: 0, cursor: 3 * HISTORY_PAGE + 5 });
    expect(rest.ok && rest.value.entries.length).toBe(HISTORY_PAGE + 3);
  });

  it('keeps the cursor in the store: a new reader (a restarted server) neither repeats nor skips', async () => {
    const w = world();
    await w.create('a');
    await w.append('a', { kind: 'pod_event', child: name('kid'), event: 'finished' });
    await w.append('a', { kind: 'notice', code: 'ping_pong_breaker', text: 'withheld' });
    expect((await take('a', 1)).ok).toBe(true);
    const again = await new TakeUnseenInbound(w.uow).execute({ pod: name('a'), maxEntries: 20, maxBytes: 32 * 1024 });
    expect(again.ok && again.value.entries.map((e) => e.seq)).toEqual([2]);
  });

  it('refuses a Pod that does not exist', async () => {
    expect(await take('ghost')).toEqual({ ok: false, error: { type: 'PodNotFound', name: 'ghost' } });
  });
});
