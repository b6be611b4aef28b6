import { beforeEach, expect, it } from 'vitest';
import { HISTORY_PAGE } from '../../src/application/use-cases/read-history.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { name, type World } from '../support/world.js';

describeOnEveryStore('ReadHistory, a page at a time', (suite) => {
  let w: World;
  const COUNT = HISTORY_PAGE * 2 + 7;
  beforeEach(async () => {
    w = suite.world();
    await w.create('me');
    await w.uow.run(async (r) => {
      for (let i = 1; i <= COUNT; i++) await r.history.append(name('me'), { kind: 'assistant_message', text: `#${i}` }, w.clock.now());
    });
  });

  const pages = async (range: { after?: number; limit?: number } = {}, during?: () => Promise<void>) => {
    const read = await w.readHistory.pages({ pod: name('me'), ...range });
    if (!read.ok) throw new Error(read.error.type);
    const got: (readonly HistoryEntry[])[] = [];
    for await (const page of read.value) {
      got.push(page);
      if (got.length === 1) await during?.();
    }
    return got;
  };

  it('gives the whole history in order, in pages of at most HISTORY_PAGE, as committed when it was asked', async () => {
    const got = await pages({}, () => w.append('me', { kind: 'assistant_message', text: 'later' }).then(() => undefined));
    expect(got.map((p) => p.length)).toEqual([HISTORY_PAGE, HISTORY_PAGE, 7]);
    expect(got.flat().map((e) => e.seq)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
  });

  it('keeps to the range: after a seq, at most a limit', async () => {
    expect((await pages({ after: 5, limit: HISTORY_PAGE + 1 })).flat().map((e) => e.seq)).toEqual(Array.from({ length: HISTORY_PAGE + 1 }, (_, i) => i + 6));
    expect((await pages({ after: COUNT - 2 })).flat().map((e) => e.seq)).toEqual([COUNT - 1, COUNT]);
    expect(await pages({ after: COUNT })).toEqual([]);
    expect(await pages({ limit: 0 })).toEqual([]);
  });

  it('says a Pod does not exist before reading anything', async () => {
    expect(await w.readHistory.pages({ pod: name('ghost') })).toEqual({ ok: false, error: { type: 'PodNotFound', name: 'ghost' } });
  });
});
