import type { HostEvent, HostRuntime } from '../../application/host/host-runtime.js';
import type { TurnFeed } from '../../application/ports/turn-observer.js';
import type { PodName } from '../../domain/pod-name.js';
import { oneLine } from '../cli/printable.js';
import type { HistoryFollower } from './history-follower.js';
import type { TuiScreen } from './tui-screen.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK_MS = 100;

/** How much of what the turn does fits beside the prompt at 80 columns. */
const ACTIVITY_CHARS = 32;
// A streamed delta is model text: nothing in it may move the cursor or reorder the line.
const tail = (text: string): string => {
  const flat = oneLine(text);
  return flat.length <= ACTIVITY_CHARS ? flat : `…${flat.slice(-(ACTIVITY_CHARS - 1))}`;
};

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** The prompt: the attached Pod, then `note` (a paste waiting for Enter). */
export const promptFor = (pod: PodName, note = ''): string => `${pod}${note}> `;

/**
 * Shows the attached Pod's turns: on a terminal a spinner, the elapsed time and what the
 * turn is doing in the prompt while one runs (the tail of the text the model is streaming,
 * the tool it runs; from the turn observer, never committed); in every mode one line when it
 * ends, queued behind the entries it committed. Returns the function that stops listening.
 */
export function showTurnProgress(
  runtime: HostRuntime,
  turns: TurnFeed,
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
  const activity = new Map<PodName, string>();
  const streamed = new Map<PodName, string>();

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
    const doing = activity.get(pod);
    screen.setPrompt(`${pod}${note()} ${FRAMES[frame]} ${((Date.now() - since) / 1000).toFixed(1)}s${doing ? ` ${doing}` : ''}> `);
  };

  const offTurns = turns.subscribe((event) => {
    switch (event.type) {
      case 'step_started':
        // The spinner alone says the model is being asked.
        streamed.delete(event.pod);
        activity.delete(event.pod);
        return;
      case 'text': {
        const text = `${streamed.get(event.pod) ?? ''}${event.delta}`.slice(-4 * ACTIVITY_CHARS);
        streamed.set(event.pod, text);
        activity.set(event.pod, `“${tail(text).trimStart()}”`);
        return;
      }
      case 'step_committed':
        activity.delete(event.pod);
        return;
      case 'tool_started':
        activity.set(event.pod, `running ${tail(event.tool)}`);
        return;
      case 'tool_finished':
        activity.set(event.pod, `${tail(event.tool)} ${event.outcome}`);
        return;
      case 'note':
        if (event.pod === attached()) screen.line(`· ${event.text}`);
        return;
      case 'turn_ended':
        activity.delete(event.pod);
        streamed.delete(event.pod);
        return;
    }
  });

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
    offTurns();
    clearInterval(ticker);
  };
}
