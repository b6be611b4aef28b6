import { describe, expect, it } from 'vitest';
import { PodEventStream } from '../../src/adapters/events/pod-event-stream.js';
import { pause } from '../../src/application/pause.js';
import { Looks, watch } from '../../src/application/watcher.js';
import { PodName } from '../../src/domain/pod-name.js';

const pod = PodName.unsafe('me');
const commit = (stream: PodEventStream, name = pod) => stream.emit({ type: 'committed', pod: name, changes: { history: true } });

describe('watch (the one way to follow the store)', () => {
  it('never loses a wake-up: an event during a look that finds nothing makes exactly one more look', async () => {
    const events = new PodEventStream();
    // What the store holds; a look sees it as it is when the look reads.
    let committed = 0;
    let seen = 0;
    let looks = 0;
    const watching = watch(events, {
      pick: (e) => (e.type === 'committed' ? true : undefined),
      look: async () => {
        looks += 1;
        const read = committed;
        // Another process commits right after this look read, and announces it while the look is still running.
        if (looks === 1) {
          committed += 1;
          commit(events);
          commit(events); // a burst: still one more look, not two
        }
        await Promise.resolve();
        seen = read;
      },
    });
    await watching.looks.settled();
    expect(looks).toBe(2);
    expect(seen).toBe(committed);
    await watching.stop();
  });

  it('subscribes before its first look, so a commit announced before the first look ends is looked at', async () => {
    const events = new PodEventStream();
    const order: string[] = [];
    const probe = { subscribe: (listener: Parameters<PodEventStream['subscribe']>[0]) => (order.push('subscribe'), events.subscribe(listener)), publish: () => undefined };
    const watching = watch(probe, { pick: () => true, look: async () => void order.push('look') });
    await watching.looks.settled();
    expect(order).toEqual(['subscribe', 'look']);
    await watching.stop();
  });

  it('looks at the keys its events name, one look at a time, and everything on its timer', async () => {
    const events = new PodEventStream();
    const looked: string[] = [];
    let running = 0;
    let overlapped = false;
    const watching = watch<PodName>(events, {
      pick: (e) => (e.type === 'committed' ? e.pod : undefined),
      look: async (keys, all) => {
        overlapped ||= running > 0;
        running += 1;
        looked.push(all ? '*' : [...keys].sort().join(','));
        await pause(5);
        running -= 1;
      },
      everyMs: 40,
      lookFirst: false,
    });
    commit(events, PodName.unsafe('a'));
    await Promise.resolve();
    commit(events, PodName.unsafe('b'));
    commit(events, PodName.unsafe('c'));
    await watching.looks.settled();
    expect(looked).toEqual(['a', 'b,c']);
    const deadline = Date.now() + 5_000;
    while (!looked.includes('*') && Date.now() < deadline) await pause(10);
    expect(looked.at(-1)).toBe('*');
    expect(overlapped).toBe(false);
    await watching.stop();
  });

  it('stops: no more looks, and it waits for the one in progress', async () => {
    const events = new PodEventStream();
    let looks = 0;
    let inLook = false;
    const watching = watch(events, {
      pick: () => true,
      look: async () => {
        inLook = true;
        looks += 1;
        await pause(20);
        inLook = false;
      },
    });
    await Promise.resolve();
    await watching.stop();
    expect(inLook).toBe(false);
    commit(events);
    await pause(30);
    expect(looks).toBe(1);
    expect(events.size).toBe(0);
  });
});

describe('Looks', () => {
  it('tells a failed look and looks again on the next kick', async () => {
    const failures: unknown[] = [];
    let attempt = 0;
    const looks = new Looks(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('store down');
    }, (error) => failures.push(error));
    looks.kick();
    await looks.settled();
    looks.kick();
    await looks.settled();
    expect(attempt).toBe(2);
    expect(failures).toEqual([new Error('store down')]);
  });
});

describe('pause', () => {
  it('ends on abort, at once when already aborted, else after its time', async () => {
    const controller = new AbortController();
    const waiting = pause(60_000, controller.signal);
    controller.abort();
    await waiting;
    await pause(60_000, controller.signal);
    const started = performance.now();
    await pause(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('waits its whole time for a fractional delay (a timer alone fires a millisecond early then)', async () => {
    const short: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await pause(2.5);
      const waited = performance.now() - started;
      if (waited < 2.5) short.push(waited);
    }
    expect(short).toEqual([]);
  });
});
