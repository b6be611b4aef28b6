import { describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { HISTORY_PAGE } from '../../src/application/use-cases/read-history.js';
import { MAX_WAIT_MS } from '../../src/application/use-cases/wait-for-inbound.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { makeWorld, name } from '../support/world.js';

const LONG = 20_000; // never reached by a wait that should end on an arrival

describe('WaitForInbound (in-memory: woken by the history feed)', () => {
  // A poll far longer than the test: only the feed can end these waits early.
  const world = () => makeWorld(new InMemoryUnitOfWork(), undefined, { pollMs: 60_000 });

  it('answers at once when input the caller has not seen is already committed', async () => {
    const w = world();
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
    await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'waiting for you' });
    const outcome = await w.waitForInbound.execute({ pod: name('me'), seen: 0, waitMs: LONG });
    expect(outcome).toMatchObject({ ok: true, value: { ended: 'arrived' } });
    expect(outcome.ok && outcome.value.waitedMs).toBeLessThan(LONG);
  });

  it('looks a page at a time past a long run of model output, and finds the input after it', async () => {
    const store: UnitOfWork = new InMemoryUnitOfWork();
    let largest = 0;
    const counted: UnitOfWork = {
      ...store,
      run: (work, options) => store.run((repos) => work({
        ...repos,
        history: Object.assign(Object.create(repos.history) as typeof repos.history, {
          read: async (...args: Parameters<typeof repos.history.read>) => {
            const entries = await repos.history.read(...args);
            largest = Math.max(largest, entries.length);
            return entries;
          },
        }),
      }), options),
    } as UnitOfWork;
    const w = makeWorld(counted, undefined, { pollMs: 60_000 });
    await w.create('me');
    for (let i = 0; i < 3 * HISTORY_PAGE; i++) await w.append('me', { kind: 'assistant_message', text: `output ${i}` });
    expect(await w.waitForInbound.execute({ pod: name('me'), seen: 0, waitMs: 0 })).toMatchObject({ ok: true, value: { ended: 'timed_out' } });
    await w.append('me', { kind: 'user_input', text: 'at last', origin: { type: 'operator' } });
    expect(await w.waitForInbound.execute({ pod: name('me'), seen: 0, waitMs: LONG })).toMatchObject({ ok: true, value: { ended: 'arrived' } });
    expect(largest).toBe(HISTORY_PAGE);
  });

  it('waits past what was seen and past model output, and ends when a peer message commits', async () => {
    const w = world();
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
    await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'old news' });
    // The mark read first: 'head' would be read on a connection of its own, maybe after the send below commits.
    const seen = await w.uow.run((r) => r.history.head(name('me')));
    const waiting = w.waitForInbound.execute({ pod: name('me'), seen, waitMs: LONG });
    await w.append('me', { kind: 'assistant_message', text: 'my own output is not input' });
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'new news' });
    const outcome = await waiting;
    expect(outcome).toMatchObject({ ok: true, value: { ended: 'arrived' } });
    expect(outcome.ok && outcome.value.waitedMs).toBeLessThan(LONG);
  });

  it('measures "seen" by the inbound cursor for an external agent', async () => {
    const w = world();
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
    await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'not shown yet' });
    expect(await w.waitForInbound.execute({ pod: name('me'), seen: 'inbound_cursor', waitMs: LONG })).toMatchObject({ ok: true, value: { ended: 'arrived' } });
    await w.takeInbound.execute({ pod: name('me'), maxEntries: 20, maxBytes: 32_768 });
    expect(await w.waitForInbound.execute({ pod: name('me'), seen: 'inbound_cursor', waitMs: 30 })).toMatchObject({ ok: true, value: { ended: 'timed_out' } });
  });

  it('times out with nothing new, ends on abort, and refuses a Pod that does not exist', async () => {
    const w = world();
    await w.create('me');
    const timedOut = await w.waitForInbound.execute({ pod: name('me'), seen: 'head', waitMs: 40 });
    expect(timedOut).toMatchObject({ ok: true, value: { ended: 'timed_out' } });
    expect(timedOut.ok && timedOut.value.waitedMs).toBeGreaterThanOrEqual(40);

    const controller = new AbortController();
    const waiting = w.waitForInbound.execute({ pod: name('me'), seen: 'head', waitMs: LONG, signal: controller.signal });
    controller.abort();
    expect(await waiting).toMatchObject({ ok: true, value: { ended: 'cancelled' } });

    expect(await w.waitForInbound.execute({ pod: name('ghost'), seen: 'head', waitMs: 10 })).toEqual({ ok: false, error: { type: 'PodNotFound', name: 'ghost' } });
  });
});

describeOnEveryStore('ListPods with wait_ms', ({ store }) => {
  // A short poll: on the SQL stores this world has no feed, so the poll is what notices.
  const world = () => makeWorld(store().uow(), undefined, { pollMs: 25 });

  it('waits for new input, then lists, and says in the summary why it answered', async () => {
    const w = world();
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
    // What the model saw, as a host passes it: everything committed before the send.
    const seen = await w.uow.run((r) => r.history.head(name('me')));
    const waiting = w.tools.execute(name('me'), 'ListPods', { wait_ms: LONG }, { seen });
    await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'wake up' });
    const listed = await waiting;
    expect(listed).toMatchObject({ ok: true, summary: expect.stringMatching(/^2 visible pod\(s\); new input arrived after \d+ ms$/) });

    const quiet = await w.tool('me', 'ListPods', { wait_ms: 30 });
    expect(quiet).toMatchObject({ ok: true, summary: expect.stringMatching(/^2 visible pod\(s\); no new input within \d+ ms$/) });
    expect(await w.tool('me', 'ListPods', { wait_ms: 0 })).toMatchObject({ ok: true, summary: '2 visible pod(s)' });
  });

  it('refuses a wait beyond the bound, a negative or fractional one, with the field named', async () => {
    const w = world();
    await w.create('me');
    for (const wait of [MAX_WAIT_MS + 1, -1, 1.5, '100']) {
      const refused = await w.tool('me', 'ListPods', { wait_ms: wait });
      expect(refused).toMatchObject({ ok: false, kind: 'invalid_argument', message: expect.stringContaining('wait_ms') });
    }
  });
});
