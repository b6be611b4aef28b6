import type { HostEvent, HostRuntime } from '../../application/host/host-runtime.js';
import type { PodName } from '../../domain/pod-name.js';
import type { HistoryFollower } from './history-follower.js';
import type { TuiScreen } from './tui-screen.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK_MS = 100;

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** The prompt: the attached Pod, then `note` (a paste waiting for Enter). */
export const promptFor = (pod: PodName, note = ''): string => `${pod}${note}> `;

/**
 * Shows the attached Pod's turns: on a terminal a spinner and the elapsed time in the
 * prompt while one runs; in every mode one line when it ends, queued behind the entries it
 * committed. Returns the function that stops listening.
 */
export function showTurnProgress(
  runtime: HostRuntime,
  follower: HistoryFollower,
  screen: TuiScreen,
  attached: () => PodName,
  terminal: boolean,
  /** Shown in the prompt next to the Pod's name (a paste waiting for Enter). */
  note: () => string,
): () => void {
  const startedAt = new Map<PodName, number>();
  let ticker: NodeJS.Timeout | undefined;
  let frame = 0;

  const tick = (): void => {
    const pod = attached();
    const since = startedAt.get(pod);
    if (since === undefined || !runtime.busy(pod)) {
      clearInterval(ticker);
      ticker = undefined;
      screen.setPrompt(promptFor(pod, note()));
      return;
    }
    frame = (frame + 1) % FRAMES.length;
    screen.setPrompt(`${pod}${note()} ${FRAMES[frame]} ${((Date.now() - since) / 1000).toFixed(1)}s> `);
  };

  const off = runtime.on((event: HostEvent) => {
    switch (event.type) {
      case 'turn_started':
        startedAt.set(event.pod, Date.now());
        if (terminal && event.pod === attached()) ticker ??= setInterval(tick, TICK_MS);
        return;
      case 'turn_ended': {
        startedAt.delete(event.pod);
        if (event.pod !== attached()) return;
        const { end, steps } = event.report;
        void follower.sync();
        void follower.then(() => screen.line(`· turn ${end} after ${steps} step${steps === 1 ? '' : 's'} in ${duration(event.ms)}`));
        return;
      }
      case 'turn_failed':
        startedAt.delete(event.pod);
        void follower.then(() => screen.warn(`the turn of \`${event.pod}\` failed: ${event.error}`));
        return;
      case 'lease_lost':
        startedAt.delete(event.pod);
        void follower.then(() => screen.warn(`\`${event.pod}\` no longer runs here: another host or its parent took its lease`));
        return;
      case 'store_unreachable':
        startedAt.clear();
        screen.warn(`${event.error}; this TUI keeps its Pods and retries (a line that cannot be sent comes back to the prompt)`);
        return;
      case 'store_back':
        screen.line(`· the store is back after ${duration(event.downMs)}`);
        void follower.sync();
        return;
      case 'store_lost':
        screen.warn(`the store has been unreachable for ${duration(event.downMs)}; giving up`);
        return;
    }
  });
  return () => {
    off();
    clearInterval(ticker);
  };
}
