/** Bounded waits and the bench's cleanups (servers, temp dirs, tmux), run even on failure. */

export class BenchTimeout extends Error {
  override readonly name = 'BenchTimeout';
}

/** `work`, or a BenchTimeout naming `what` once `ms` pass. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchTimeout(`timed out after ${(ms / 1000).toFixed(0)} s: ${what}`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `everyMs` until it returns a value; a BenchTimeout naming `what` after `ms`. */
export async function pollUntil<T>(ms: number, what: string, everyMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (performance.now() >= until) throw new BenchTimeout(`timed out after ${(ms / 1000).toFixed(1)} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

type Cleanup = { readonly what: string; readonly run: () => Promise<void> };
const cleanups: Cleanup[] = [];

/** Registers a cleanup; the returned function runs it now (once) and unregisters it. */
export function defer(what: string, run: () => Promise<void>): () => Promise<void> {
  const entry: Cleanup = { what, run };
  cleanups.push(entry);
  return async () => {
    const at = cleanups.indexOf(entry);
    if (at < 0) return;
    cleanups.splice(at, 1);
    await entry.run();
  };
}

/** Every registered cleanup, newest first, each bounded; failures are reported, not thrown. */
export async function runCleanups(): Promise<boolean> {
  let clean = true;
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      await within(45_000, `cleanup: ${entry.what}`, entry.run());
    } catch (error) {
      clean = false;
      console.error(`bench: cleanup failed (${entry.what}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return clean;
}

/** A bench run as a script of its own: exit 0 once `work` and every cleanup succeeded, else 1 with the error on stderr after `name`. */
export function runAsScript(name: string, work: () => Promise<unknown>): void {
  work().then(
    async () => process.exit((await runCleanups()) ? 0 : 1),
    async (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      await runCleanups();
      process.exit(1);
    },
  );
}
