import type { HistoryFeed } from '../../application/ports/history-feed.js';
import type { PodName } from '../../domain/pod-name.js';

/**
 * Calls `send` after commits to `pod`'s history, at most once per `everyMs`: a burst of
 * commits is one call, and the last commit of a burst is never left without one. Until
 * `start`, and after `stop` (idempotent), nothing is sent.
 */
export function coalescedCommits(feed: HistoryFeed, pod: PodName, everyMs: number, send: () => void): { readonly start: () => void; readonly stop: () => void } {
  let offFeed: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = Number.NEGATIVE_INFINITY;
  const fire = () => {
    timer = undefined;
    if (!offFeed) return;
    lastSent = Date.now();
    send();
  };
  const onCommit = (committed: PodName) => {
    if (committed !== pod || !offFeed || timer !== undefined) return;
    const wait = lastSent + everyMs - Date.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
  return {
    start: () => {
      offFeed ??= feed.subscribe(onCommit);
    },
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      offFeed?.();
      offFeed = undefined;
    },
  };
}
