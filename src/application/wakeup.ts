/**
 * A wait that a notice can end early. `wake()` ends the wait in progress, or the next one if
 * none runs, so a notice that lands between two waits is never lost.
 */
export class Wakeup {
  private woken = false;
  private end: (() => void) | undefined;

  wake(): void {
    this.woken = true;
    this.end?.();
  }

  /** Resolves on a wake (also one since the last wait), after `ms`, or once `signal` aborts. */
  until(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.woken || signal?.aborted) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.end = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.end = done;
    });
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (check `signal.aborted` to tell which). */
export const pause = (ms: number, signal?: AbortSignal): Promise<void> => new Wakeup().until(ms, signal);
