import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { DEFAULT_HOST_CONFIG } from '../../src/application/host/host-config.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { FollowHistory } from '../../src/application/use-cases/follow-history.js';
import { HISTORY_PAGE } from '../../src/application/use-cases/read-history.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { makeWorld, name } from '../support/world.js';
import { eventually } from '../support/until.js';

/** Polls until `check` holds, within a deadline (never a fixed sleep). */

const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort();
});

function follow(uow: UnitOfWork & { events: InMemoryUnitOfWork['events'] }, pods?: string[], pollMs = 60_000) {
  const seen: HistoryEntry[] = [];
  const trouble: (string | undefined)[] = [];
  const stop = new AbortController();
  stops.push(stop);
  let following = false;
  const done = new FollowHistory(uow, uow.events, { ...DEFAULT_HOST_CONFIG, pollMs }).execute({
    ...(pods ? { pods: pods.map(name) } : {}),
    signal: stop.signal,
    onEntries: (entries) => seen.push(...entries),
    onTrouble: (error) => trouble.push(error?.message),
    onFollowing: () => (following = true),
  });
  const started = async () => eventually('following', () => following);
  return { seen, trouble, stop, done, started, lines: () => seen.map((e) => `${e.pod}#${e.seq} ${e.kind}`) };
}

describe('FollowHistory (in-memory: woken by the event stream)', () => {
  it('passes a burst of commits on a page at a time, every entry once and in order', async () => {
    const uow = new InMemoryUnitOfWork();
    const w = makeWorld(uow);
    await w.create('a');
    const batches: number[] = [];
    const f = follow(uow, ['a']);
    const seen: number[] = [];
    const stop = new AbortController();
    stops.push(stop);
    void new FollowHistory(uow, uow.events, { ...DEFAULT_HOST_CONFIG, pollMs: 60_000 }).execute({
      pods: [name('a')], signal: stop.signal, onEntries: (entries) => (batches.push(entries.length), seen.push(...entries.map((e) => e.seq))),
    });
    await f.started();
    await uow.run(async (r) => {
      for (let i = 0; i < HISTORY_PAGE * 2 + 5; i++) await r.history.append(name('a'), { kind: 'assistant_message', text: `${i}` }, w.clock.now());
    });
    await eventually('the whole burst', () => seen.length === HISTORY_PAGE * 2 + 5);
    expect(seen).toEqual(Array.from({ length: HISTORY_PAGE * 2 + 5 }, (_, i) => i + 1));
    expect(Math.max(...batches)).toBeLessThanOrEqual(HISTORY_PAGE);
  });

  it('shows every Pod\'s entries committed after it began, once each, in order, Pods created meanwhile included', async () => {
    const uow = new InMemoryUnitOfWork();
    const w = makeWorld(uow);
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'before' });
    const f = follow(uow);
    await f.started();
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'after' });
    await w.create('late');
    await w.peer('late', 'a');
    await w.tool('late', 'SendToPeerPod', { name: 'a', message: 'from a Pod made while following' });
    await eventually('two entries', () => f.seen.length === 2);
    expect(f.lines()).toEqual(['b#2 peer_message', 'a#1 peer_message']);
    expect(f.seen.map((e) => (e.kind === 'peer_message' ? e.body : ''))).toEqual(['after', 'from a Pod made while following']);
    f.stop.abort();
    expect(await f.done).toEqual({ ok: true, value: undefined });
  });

  it('follows only the named Pods, and refuses a name that is no Pod', async () => {
    const uow = new InMemoryUnitOfWork();
    const w = makeWorld(uow);
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
    const f = follow(uow, ['a']);
    await f.started();
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'not followed' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'followed' });
    await eventually('one entry', () => f.seen.length === 1);
    expect(f.lines()).toEqual(['a#1 peer_message']);
    expect(await follow(uow, ['a', 'ghost']).done).toEqual({ ok: false, error: { type: 'PodNotFound', name: 'ghost' } });
  });

  it('says once that the store does not answer, skips nothing committed meanwhile, and says when it is back', async () => {
    const uow = new InMemoryUnitOfWork();
    const w = makeWorld(uow);
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
    let down = false;
    const flaky = Object.assign(Object.create(uow) as InMemoryUnitOfWork, {
      run: <T>(work: Parameters<UnitOfWork['run']>[0]) => (down ? Promise.reject(new Error('connection refused')) : uow.run(work)) as Promise<T>,
    });
    const f = follow(flaky, ['b'], 10);
    await f.started();
    down = true;
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'while down' });
    await eventually('trouble reported', () => f.trouble.length === 1);
    await new Promise((r) => setTimeout(r, 50)); // several failed polls: still one report
    expect(f.trouble).toEqual(['connection refused']);
    down = false;
    await eventually('the entry committed while down', () => f.seen.length === 1);
    expect(f.trouble).toEqual(['connection refused', undefined]);
    expect(f.lines()).toEqual(['b#1 peer_message']);
  });

  it('following every Pod, reports an outage in which nothing commits (no notice comes), and its end', async () => {
    const uow = new InMemoryUnitOfWork();
    const w = makeWorld(uow);
    await w.create('a');
    let down = false;
    const flaky = Object.assign(Object.create(uow) as InMemoryUnitOfWork, {
      run: <T>(work: Parameters<UnitOfWork['run']>[0]) => (down ? Promise.reject(new Error('connection refused')) : uow.run(work)) as Promise<T>,
    });
    const f = follow(flaky, undefined, 10);
    await f.started();
    down = true;
    await eventually('trouble reported', () => f.trouble.length === 1);
    down = false;
    await eventually('the store back', () => f.trouble.length === 2);
    expect(f.trouble).toEqual(['connection refused', undefined]);
    expect(f.seen).toEqual([]);
  });
});
