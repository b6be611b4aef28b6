import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryRange } from '../../src/application/ports/history-repository.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { HISTORY_PAGE } from '../../src/application/use-cases/read-history.js';
import type { HistoryEntryBody } from '../../src/domain/history-entry.js';
import type { PodName } from '../../src/domain/pod-name.js';
import { operator, peer, said } from '../model/entries.js';
import { name, rule } from '../support/world.js';
import { runPiped, startOnTerminal, tuiStore } from './tui-harness.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const LONG = 5_000;

/**
 * A store with `long`, holding `bodies` as its history, run by another host (so this TUI only
 * views it and no turn of this process reads it), and every history read of `long` recorded.
 */
async function longPod(bodies: readonly HistoryEntryBody[]) {
  const opened = await tuiStore();
  close = opened.close;
  const { app, container } = opened;
  const long = name('long');
  await app.createPod.execute({ name: long, scope: [rule('write:/work')] });
  await app.createPod.execute({ name: name('b'), scope: [] });
  const uow = container.get(UNIT_OF_WORK);
  const now = new Date();
  await uow.run(async (repos) => {
    for (const body of bodies) await repos.history.append(long, body, now);
    await repos.leases.tryAcquire(long, 'host_other', now, new Date(now.getTime() + 600_000));
  });
  const reads: { range: HistoryRange; rows: number }[] = [];
  recordReads(uow, long, reads);
  return { app, reads };
}

/** Wraps the store's unit of work (one object, shared by every use case) so reads of `pod` are recorded. */
function recordReads(uow: UnitOfWork, pod: PodName, reads: { range: HistoryRange; rows: number }[]): void {
  const run = uow.run.bind(uow);
  uow.run = (work, options) =>
    run((repos) => work({
      ...repos,
      history: Object.assign(Object.create(repos.history) as typeof repos.history, {
        read: async (of: PodName, range: HistoryRange = {}) => {
          const entries = await repos.history.read(of, range);
          if (of === pod) reads.push({ range, rows: entries.length });
          return entries;
        },
      }),
    }), options);
}

const conversation = (n: number): HistoryEntryBody[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? operator(`q${i + 1}`) : said(`a${i + 1}`, i)));

describe('the TUI on a long history', () => {
  it('attaches reading a page, not the history: the count, the last 10, then older ones on demand', async () => {
    const { app, reads } = await longPod(conversation(LONG));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type(':attach long\r');
    await tui.waitFor(`(${LONG} history entries, the last 10 below)`);
    await tui.waitFor(`#${LONG} [assistant] a${LONG}`);
    expect(tui.screen()).toContain(`#${LONG - 9} [you] q${LONG - 9}`);
    expect(tui.screen()).not.toContain(`#${LONG - 10} `);
    // Every read of it was bounded, and all of them together one page: the old attach read all 5,000.
    expect(reads.every((r) => r.range.limit !== undefined && r.range.limit <= HISTORY_PAGE)).toBe(true);
    expect(reads.reduce((sum, r) => sum + r.rows, 0)).toBeLessThanOrEqual(HISTORY_PAGE);

    tui.type(':older 3\r');
    await tui.waitForVisible(`#${LONG - 12} [assistant] a${LONG - 12}\n#${LONG - 11} [you] q${LONG - 11}\n#${LONG - 10} [assistant] a${LONG - 10}\n`);
    tui.type(':older 2\r');
    await tui.waitForVisible(`#${LONG - 10} [assistant] a${LONG - 10}\nlong> :older 2\n#${LONG - 14} [assistant] a${LONG - 14}\n#${LONG - 13} [you] q${LONG - 13}\n`);
    // :history starts over from the newest; :older goes on from what it printed.
    tui.type(':history 2\r');
    await tui.waitForVisible(`long> :history 2\n#${LONG - 1} [you] q${LONG - 1}\n#${LONG} [assistant] a${LONG}\n`);
    tui.type(':older 1\r');
    await tui.waitForVisible(`#${LONG} [assistant] a${LONG}\nlong> :older 1\n#${LONG - 2} [assistant] a${LONG - 2}\n`);
    tui.type(':older 1001\r');
    await tui.waitFor('! :older: n must be at most 1000, got "1001"; `:older` pages back from there, `pods history NAME` prints a whole history');
    // Reading back: the attach's page, then each command's entries (the follower reads only after the head).
    expect(reads.filter((r) => r.range.after === undefined).map((r) => r.range)).toEqual([
      { before: LONG + 1, limit: HISTORY_PAGE }, { before: LONG - 9, limit: 3 }, { before: LONG - 12, limit: 2 }, { before: LONG + 1, limit: 2 }, { before: LONG - 1, limit: 1 },
    ]);
    expect(reads.filter((r) => r.range.after !== undefined).every((r) => r.range.after === LONG && r.range.limit === HISTORY_PAGE)).toBe(true);
    tui.type('\u0015:quit\r'); // the refused line stays in the input, to be fixed
    expect(await tui.exited).toBe(0);
  });

  it('counts unseen peer messages from a bounded look back, and says when there may be more', async () => {
    const { app, reads } = await longPod(Array.from({ length: LONG }, (_, i) => peer('b', i + 1, `p${i + 1}`)));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type(':attach long\r');
    await tui.waitForVisible(/── long · viewing; runs on host host_other · idle · 1000 or more peer messages not seen yet\nlong>$/);
    expect(reads.reduce((sum, r) => sum + r.rows, 0)).toBe(1000);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('from a pipe prints no tail on attach: :older starts from the newest and stops at #1', async () => {
    const { app } = await longPod(conversation(4));
    const run = await runPiped(app, ':attach long\n:older 3\n:older 3\n:older\n:history 0\n');
    expect(run.stdout).toEqual([
      '· attached to `main`; it runs in this TUI (0 history entries)',
      '· viewing `long`: it runs on host host_other; what you type is committed to its history and that host answers; this TUI takes it over if that host leaves (4 history entries)',
      '#2 [assistant] a2',
      '#3 [you] q3',
      '#4 [assistant] a4',
      '#1 [you] q1',
      '· nothing older: #1 is the first entry of `long`',
    ]);
    expect(run.stderr).toEqual([':history: n must be a whole number of at least 1, got "0"']);
    expect(run.code).toBe(1);
  });
});
