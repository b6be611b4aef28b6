import { describe, expect, it } from 'vitest';
import { liveRows, statusLine, STREAM_ROWS } from '../../src/adapters/tui/live-rows.js';
import { UnseenPeerMessages } from '../../src/adapters/tui/unseen-peer-messages.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { unansweredInput, watermark } from '../../src/domain/turn-trigger.js';
import { history, operator, peer, said } from '../model/entries.js';
import { name } from '../support/world.js';

const idle = { pod: name('main'), where: 'here', unseenPeerMessages: 0 } as const;
/** Where following starts on this whole history, as ReadRecentHistory finds it. */
const startOf = (entries: readonly HistoryEntry[]) => {
  const mark = watermark(entries);
  return { head: entries.at(-1)?.seq ?? 0, mark, sinceMark: entries.filter((e) => e.seq > mark), whole: true };
};

describe('the live block', () => {
  it('says where the Pod runs, whether a turn runs and for how long, and what its model has not seen', () => {
    expect(statusLine(idle, 0)).toBe('── main · runs here · idle');
    expect(statusLine({ ...idle, turnMs: 2_340, unseenPeerMessages: 1 }, 3)).toBe('── main · runs here · ⠸ turn 2.3s · 1 peer message not seen yet');
    expect(statusLine({ ...idle, where: { hostId: 'h-1' }, unseenPeerMessages: 2 }, 0)).toBe('── main · viewing; runs on host h-1 · idle · 2 peer messages not seen yet');
    expect(statusLine({ ...idle, where: 'stopped' }, 0)).toBe('── main · viewing; stopped · idle');
    // A host's id shortened, so its turn still fits 80 columns.
    expect(statusLine({ ...idle, where: { hostId: 'host_6f1c2a3b-1111-4222-8333-444455556666' }, turnMs: 1_000 }, 0)).toBe('── main · viewing; runs on host host_6f1c2a3b… · ⠋ turn 1.0s');
  });

  it('keeps every row inside the terminal, the last column free, and the tail of long streamed text', () => {
    const streamed = Array.from({ length: 20 }, (_, i) => `line ${i} ${'w'.repeat(i * 10)}`).join('\n');
    const rows = liveRows({ streamed, tools: [{ tool: 'ListPods', ms: 1_250 }], status: { ...idle, turnMs: 9_000 }, frame: 0, columns: 80 });
    expect(rows.every((row) => [...row].length <= 79)).toBe(true);
    expect(rows.slice(0, STREAM_ROWS).every((row) => /^[│…] /.test(row))).toBe(true);
    expect(rows[0]).toMatch(/^… /); // the start was cut
    expect(rows.at(-3)).toMatch(/^│ w+$/); // the end of line 19, wrapped
    expect(rows.at(-2)).toBe('⠋ ListPods running 1.3s');
    expect(rows.at(-1)).toBe('── main · runs here · ⠋ turn 9.0s');
  });

  it('makes model text safe: no control sequence reaches the terminal', () => {
    const rows = liveRows({ streamed: 'hi \u001b[2J there\u202e!', tools: [{ tool: 'x\u001b[1A', ms: 0, outcome: 'ok' }], status: idle, frame: 0, columns: 80 });
    expect(rows).toEqual(['│ hi  [2J there !', '· x [1A → ok', '── main · runs here · idle']);
  });

  it('shows only the status line when nothing streams and no tool runs', () => {
    expect(liveRows({ streamed: '\n  \n', tools: [], status: idle, frame: 0, columns: 80 })).toEqual(['── main · runs here · idle']);
  });
});

describe('UnseenPeerMessages', () => {
  it('counts the peer messages a turn would still answer, as entries arrive one by one', () => {
    const all = history(peer('b', 1, 'one'), operator('hi'), said('ok', 2), peer('b', 2, 'two'), peer('c', 1, 'three'), said('seen two', 4), peer('b', 3, 'four'));
    const unseen = new UnseenPeerMessages();
    unseen.reset(startOf([]));
    const counts: number[] = [];
    for (const entry of all) {
      unseen.add(entry);
      counts.push(unseen.count);
    }
    expect(counts).toEqual([1, 1, 0, 1, 2, 1, 2]);
    // The same as the rule a turn uses, on the whole history.
    expect(unansweredInput(all).filter((e) => e.kind === 'peer_message')).toHaveLength(2);
  });

  it('counts what arrived after the running step\'s request as unseen, and what that request holds as seen', () => {
    const all = history(operator('go'), peer('b', 1, 'early'), peer('b', 2, 'late'));
    const unseen = new UnseenPeerMessages();
    unseen.reset(startOf(all.slice(0, 2)));
    expect(unseen.count).toBe(1);
    unseen.seen(2); // a step started with #1 and #2 in its request
    expect(unseen.count).toBe(0);
    unseen.add(all[2]!);
    expect(unseen.count).toBe(1);
    unseen.seen(1); // an older mark moves nothing back
    expect(unseen.count).toBe(1);
  });

  it('starts from a whole history, and ignores an entry it already has', () => {
    const all = history(peer('b', 1, 'one'), said('ok', 1), peer('b', 2, 'two'));
    const unseen = new UnseenPeerMessages();
    unseen.reset(startOf(all));
    expect(unseen.count).toBe(1);
    unseen.add(all[2]!);
    expect(unseen.count).toBe(1);
  });

  it('says a count is a floor while the entries before its start were never read, until a request holds past them', () => {
    const all = history(peer('b', 1, 'one'), peer('b', 2, 'two'), peer('b', 3, 'three'), peer('b', 4, 'four'));
    const unseen = new UnseenPeerMessages();
    // Read back to #3 only, no watermark found: #1 and #2 may be unseen too.
    unseen.reset({ head: 4, mark: 2, sinceMark: all.slice(2), whole: false });
    expect([unseen.count, unseen.atLeast]).toEqual([2, true]);
    expect(statusLine({ ...idle, unseenPeerMessages: unseen.count, unseenAtLeast: unseen.atLeast }, 0)).toBe('── main · runs here · idle · 2 or more peer messages not seen yet');
    unseen.seen(3);
    expect([unseen.count, unseen.atLeast]).toEqual([1, false]);
    unseen.reset(startOf(all));
    expect([unseen.count, unseen.atLeast]).toEqual([4, false]);
  });
});
