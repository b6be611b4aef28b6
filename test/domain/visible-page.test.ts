import { describe, expect, it } from 'vitest';
import { PodName } from '../../src/domain/pod-name.js';
import { matchesFilter, totalsOf, visibleCount } from '../../src/domain/visible-page.js';

const name = (raw: string) => PodName.unsafe(raw);

describe('a page of a visibility set', () => {
  it('matches a Pod after the cursor, of the relation and status asked for, whose name starts with the prefix', () => {
    expect(matchesFilter({}, name('b'), 'peer', 'idle')).toBe(true);
    expect(matchesFilter({ after: name('b') }, name('b'), 'peer', 'idle')).toBe(false);
    expect(matchesFilter({ after: name('a') }, name('b'), 'peer', 'idle')).toBe(true);
    expect(matchesFilter({ after: name('a') }, name('B'), 'peer', 'idle')).toBe(false); // code units: upper case first
    expect(matchesFilter({ relation: 'spawned_child' }, name('b'), 'peer', 'idle')).toBe(false);
    expect(matchesFilter({ status: 'stopped' }, name('b'), 'peer', 'idle')).toBe(false);
    expect(matchesFilter({ prefix: 'b' }, name('b'), 'peer', 'idle')).toBe(true);
    expect(matchesFilter({ prefix: 'bo' }, name('b'), 'peer', 'idle')).toBe(false);
  });

  it('counts every relation and every status, zeros included, and the Pods once', () => {
    const totals = totalsOf([{ reason: 'self', status: 'running' }, { reason: 'peer', status: 'stopped' }, { reason: 'peer', status: 'idle' }]);
    expect(totals).toEqual({ relation: { self: 1, spawned_child: 0, peer: 2 }, status: { idle: 1, running: 1, stopped: 1 } });
    expect(visibleCount(totals)).toBe(3);
  });
});
