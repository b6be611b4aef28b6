import { describe, expect, it } from 'vitest';
import { pause, Wakeup } from '../../src/application/wakeup.js';

describe('Wakeup', () => {
  it('ends a wait on wake, keeps a wake that came between two waits for the next one, and only that one', async () => {
    const wakeup = new Wakeup();
    const waiting = wakeup.until(60_000);
    wakeup.wake();
    await waiting;
    wakeup.wake(); // no wait in progress: the next wait ends at once
    await wakeup.until(60_000);
    const started = performance.now();
    await wakeup.until(30); // that wake was used up
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('ends on abort, at once when already aborted; pause is a wait nobody wakes', async () => {
    const controller = new AbortController();
    const waiting = new Wakeup().until(60_000, controller.signal);
    controller.abort();
    await waiting;
    await new Wakeup().until(60_000, controller.signal);
    await pause(60_000, controller.signal);
    const started = performance.now();
    await pause(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
