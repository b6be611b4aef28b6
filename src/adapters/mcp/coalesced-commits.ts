import { pause } from '../../application/pause.js';
import type { PodEvents } from '../../application/ports/pod-events.js';
import { watch, type Watch } from '../../application/watcher.js';
import type { PodName } from '../../domain/pod-name.js';

/** A burst of commits is one call, and the last commit of a burst is never left without one. */
export function coalescedCommits(events: PodEvents, pod: PodName, everyMs: number, send: () => void): { readonly start: () => void; readonly stop: () => void } {
  let watching: { readonly watch: Watch<never>; readonly gaps: AbortController } | undefined;
  return {
    start: () => {
      if (watching) return;
      const gaps = new AbortController();
      const look = async (): Promise<void> => {
        if (gaps.signal.aborted) return;
        send();
        await pause(everyMs, gaps.signal);
      };
      watching = {
        gaps,
        watch: watch<never>(events, { pick: (e) => (e.type === 'committed' && e.pod === pod && e.changes.history ? true : undefined), look, lookFirst: false }),
      };
    },
    stop: () => {
      watching?.gaps.abort();
      void watching?.watch.stop();
      watching = undefined;
    },
  };
}
