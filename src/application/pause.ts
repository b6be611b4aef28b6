/**
 * Resolves no sooner than `ms` after the call, or as soon as `signal` aborts (check
 * `signal.aborted` to tell which).
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  const until = performance.now() + ms;
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    // Node's timers count in whole milliseconds and can fire over a millisecond early for a
    // fractional delay (2.5 ms came after 1.1): whoever was promised `ms` waits out the rest.
    const wake = (): void => {
      const left = until - performance.now();
      if (left > 0) timer = setTimeout(wake, Math.ceil(left));
      else done();
    };
    let timer = setTimeout(wake, Math.ceil(ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
