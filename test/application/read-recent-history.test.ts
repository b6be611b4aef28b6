import { beforeEach, expect, it } from 'vitest';
import type { HistoryRange, HistoryRepository } from '../../src/application/ports/history-repository.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { HISTORY_PAGE } from '../../src/application/use-cases/read-history.js';
import { ReadRecentHistory, UNSEEN_LOOKBACK } from '../../src/application/use-cases/read-recent-history.js';
import type { HistoryEntryBody } from '../../src/domain/history-entry.js';
import { operator, peer, said } from '../model/entries.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { name, type World } from '../support/world.js';

/** Every range the use case asked the history for, and how many entries came back. */
type Reads = { ranges: HistoryRange[]; rows: number };

/** The use case over `uow`, with its history reads recorded. */
function recorded(uow: UnitOfWork): { tail: ReadRecentHistory; reads: Reads } {
  const reads: Reads = { ranges: [], rows: 0 };
  const counting = (history: HistoryRepository): HistoryRepository => ({
    ...history,
    append: (...args) => history.append(...args),
    get: (...args) => history.get(...args),
    head: (...args) => history.head(...args),
    headsBeyond: (...args) => history.headsBeyond(...args),
    findPeerMessageByKey: (...args) => history.findPeerMessageByKey(...args),
    read: async (pod, range = {}) => {
      reads.ranges.push(range);
      const entries = await history.read(pod, range);
      reads.rows += entries.length;
      return entries;
    },
  });
  return { tail: new ReadRecentHistory({ run: (work, options) => uow.run((repos) => work({ ...repos, history: counting(repos.history) }), options) }), reads };
}

describeOnEveryStore('ReadRecentHistory, bounded whatever the history', (suite) => {
  let w: World;
  beforeEach(async () => {
    w = suite.world();
    await w.create('me');
    await w.create('b');
  });
  const commit = (bodies: readonly HistoryEntryBody[]) =>
    w.uow.run(async (r) => {
      for (const body of bodies) await r.history.append(name('me'), body, w.clock.now());
    });
  /** `n` entries: operator input and answers alternating, each answer having seen the input before it. */
  const conversation = (from: number, n: number): HistoryEntryBody[] =>
    Array.from({ length: n }, (_, i) => ((from + i) % 2 === 1 ? operator(`q${from + i}`) : said(`a${from + i}`, from + i - 1)));
  const peers = (from: number, n: number): HistoryEntryBody[] => Array.from({ length: n }, (_, i) => peer('b', from + i, `p${from + i}`));

  it('reads one page of a long answered history: the head, the last entries, nothing past the watermark', async () => {
    await commit(conversation(1, 3 * HISTORY_PAGE));
    const { tail, reads } = recorded(w.uow);
    const got = await tail.execute({ pod: name('me'), last: 10 });
    expect(got.ok && { ...got.value, recent: got.value.recent.map((e) => e.seq) }).toEqual({
      head: 3 * HISTORY_PAGE,
      recent: Array.from({ length: 10 }, (_, i) => 3 * HISTORY_PAGE - 9 + i),
      mark: 3 * HISTORY_PAGE - 1,
      sinceMark: [expect.objectContaining({ seq: 3 * HISTORY_PAGE, kind: 'assistant_message' })],
      whole: true,
    });
    expect(reads).toEqual({ ranges: [{ before: 3 * HISTORY_PAGE + 1, limit: HISTORY_PAGE }], rows: HISTORY_PAGE });
  });

  it('reads back page by page to the newest answer, and keeps only what lies after what it saw', async () => {
    await commit([...conversation(1, 4), ...peers(1, HISTORY_PAGE + 50)]);
    const { tail, reads } = recorded(w.uow);
    const got = await tail.execute({ pod: name('me'), last: 3 });
    if (!got.ok) throw new Error(got.error.type);
    expect(got.value.mark).toBe(3);
    expect(got.value.sinceMark.map((e) => e.seq)).toEqual(Array.from({ length: HISTORY_PAGE + 51 }, (_, i) => i + 4));
    expect(got.value.recent.map((e) => e.seq)).toEqual([HISTORY_PAGE + 52, HISTORY_PAGE + 53, HISTORY_PAGE + 54]);
    expect(got.value.whole).toBe(true);
    expect(reads.ranges).toEqual([{ before: HISTORY_PAGE + 55, limit: HISTORY_PAGE }, { before: 55, limit: HISTORY_PAGE }]);
  });

  it('reads on past an answer that saw only older input, back to what it saw', async () => {
    // #HISTORY_PAGE+1 answered only #1 (its request was made before the rest committed).
    await commit([...peers(1, HISTORY_PAGE), said('late', 1), ...peers(HISTORY_PAGE + 1, 5)]);
    const got = await recorded(w.uow).tail.execute({ pod: name('me'), last: 0 });
    if (!got.ok) throw new Error(got.error.type);
    expect([got.value.mark, got.value.whole, got.value.recent]).toEqual([1, true, []]);
    expect(got.value.sinceMark.map((e) => e.seq)).toEqual(Array.from({ length: HISTORY_PAGE + 5 }, (_, i) => i + 2));
  });

  it('stops UNSEEN_LOOKBACK entries back in a history no model answered, and says so', async () => {
    await commit(peers(1, UNSEEN_LOOKBACK + 30));
    const { tail, reads } = recorded(w.uow);
    const got = await tail.execute({ pod: name('me'), last: 10 });
    if (!got.ok) throw new Error(got.error.type);
    expect([got.value.head, got.value.mark, got.value.whole]).toEqual([UNSEEN_LOOKBACK + 30, 30, false]);
    expect(got.value.sinceMark).toHaveLength(UNSEEN_LOOKBACK);
    expect(reads.rows).toBe(UNSEEN_LOOKBACK);
    expect(reads.ranges.every((r) => r.limit !== undefined && r.limit <= HISTORY_PAGE)).toBe(true);
  });

  it('reads a short history whole, an empty one as empty, and refuses a Pod that does not exist', async () => {
    const { tail } = recorded(w.uow);
    expect(await tail.execute({ pod: name('me'), last: 10 })).toEqual({ ok: true, value: { head: 0, recent: [], mark: 0, sinceMark: [], whole: true } });
    await commit([...peers(1, 2), ...conversation(3, 3)]);
    const got = await tail.execute({ pod: name('me'), last: 10 });
    expect(got.ok && [got.value.head, got.value.recent.length, got.value.mark, got.value.sinceMark.map((e) => e.seq), got.value.whole]).toEqual([5, 5, 3, [4, 5], true]);
    expect(await tail.execute({ pod: name('ghost'), last: 10 })).toEqual({ ok: false, error: { type: 'PodNotFound', name: 'ghost' } });
  });
});
