import { describeLeaseLost } from '../../application/host/attach-refusal.js';
import type { PodsApp } from '../../application/pods-app.js';
import type { PodName } from '../../domain/pod-name.js';
import type { HistoryFollower } from './history-follower.js';
import { liveRows, type PodWhere } from './live-rows.js';
import type { TuiScreen } from './tui-screen.js';
import { UnseenPeerMessages } from './unseen-peer-messages.js';
import type { LiveTurns } from './live-turns.js';
import { Attention } from './attention.js';

const TICK_MS = 100;
/** The status line follows what changes without an event (a lease taken over); drawn only when it changed. */
const STATUS_EVERY_MS = 250;

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** The prompt: the attached Pod, then `note` (a paste waiting for Enter). */
export const promptFor = (pod: PodName, note = ''): string => `${pod}${note}> `;

export type TurnProgressParts = {
  readonly app: Pick<PodsApp, 'events' | 'runtime'>;
  /** Turns in flight on any host, as the event stream tells them. */
  readonly turns: LiveTurns;
  readonly follower: HistoryFollower;
  readonly screen: TuiScreen;
  /** The attached Pod, once there is one. */
  readonly attached: () => PodName | undefined;
  readonly terminal: boolean;
  /** The terminal's width now. */
  readonly columns: () => number;
  /** Where the attached Pod runs (the session follows its lease). */
  readonly where: () => PodWhere;
  /** Whether the attached Pod's agent runs with no OS sandbox. */
  readonly unconfined: () => boolean;
};

type Running = { readonly tool: string; readonly since: number; outcome?: string };

/**
 * Shows the attached Pod's turns. On a terminal, a live block above the prompt: the text
 * the model is streaming (from the turn observer, before anything is committed), one line
 * per tool call while it runs, and a status line (the Pod, where it runs, whether a turn
 * runs and for how long, peer messages its model has not seen). What a step commits is then
 * printed by the follower like every entry, and the block lets go of it. In every mode one
 * line when a turn ends, queued behind the entries it committed. Returns the function that
 * stops listening.
 */
export function showTurnProgress(parts: TurnProgressParts): () => void {
  const { app, follower, screen, attached, terminal } = parts;
  const { turns } = parts;
  // On a terminal only: a pipe's output is what its lines did, nothing else.
  const attention = new Attention(screen, (pod) => terminal && pod !== attached() && app.runtime.isRunning(pod), (pod) => turns.running(pod));
  const unseen = new UnseenPeerMessages();
  let streamed = '';
  const tools = new Map<string, Running>();
  let ticker: NodeJS.Timeout | undefined;
  let frame = 0;

  const render = (): void => {
    const pod = attached();
    if (!terminal || pod === undefined) return;
    const since = turns.get(pod)?.since;
    const busy = since !== undefined;
    const now = Date.now();
    screen.live(liveRows({
      streamed,
      tools: [...tools.values()].map((t) => ({ tool: t.tool, ms: now - t.since, ...(t.outcome ? { outcome: t.outcome } : {}) })),
      status: { pod, where: parts.where(), ...(since !== undefined ? { turnMs: now - since } : {}), unseenPeerMessages: unseen.count, ...(unseen.atLeast ? { unseenAtLeast: true } : {}), unconfined: parts.unconfined() },
      frame,
      columns: parts.columns(),
      palette: screen.palette,
    }));
    if ((busy || tools.size > 0) && !ticker) ticker = setInterval(tick, TICK_MS);
    if (!busy && tools.size === 0 && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
  const tick = (): void => {
    frame += 1;
    render();
  };
  const clearStep = (): void => {
    streamed = '';
    tools.clear();
  };

  const offFollower = follower.watch({
    followed: (_pod, start) => {
      clearStep();
      unseen.reset(start);
      render();
    },
    shown: (entry) => {
      unseen.add(entry);
      if (entry.kind === 'assistant_message' || entry.kind === 'tool_call') streamed = '';
      render();
    },
  });

  const offEvents = app.events.subscribe((event) => {
    switch (event.type) {
      case 'store_unreachable':
        screen.warn(`${event.error}; this TUI keeps its Pods and retries (a line that cannot be sent comes back to the prompt)`);
        break;
      case 'store_back':
        screen.line(`· the store is back after ${duration(event.downMs)}`);
        void follower.sync();
        return;
      case 'store_lost':
        screen.warn(`the store has been unreachable for ${duration(event.downMs)}; giving up`);
        return;
      case 'lease_lost':
        void follower.then(() => {
          screen.warn(describeLeaseLost(event));
          render();
        });
        return;
      case 'committed':
        // Its host left or another took it: what it streamed is gone with it (history keeps what was committed).
        if (event.pod === attached() && event.changes.lease !== undefined) clearStep();
        if (event.changes.history) attention.committed(event.pod);
        return render();
    }
    if (event.type === 'turn_ended') attention.ended(event.pod, event.steps, event.error);
    if (!('pod' in event) || event.pod !== attached()) return render();
    switch (event.type) {
      case 'step_started':
        clearStep();
        unseen.seen(event.seenThrough);
        break;
      case 'text':
        streamed += event.delta;
        break;
      case 'step_committed':
        // The committed reply replaces the streamed text once the follower has printed it.
        void follower.sync();
        break;
      case 'tool_started':
        tools.set(event.callId, { tool: event.tool, since: Date.now() });
        break;
      case 'tool_finished': {
        const running = tools.get(event.callId);
        if (running) running.outcome = event.outcome;
        void follower.sync();
        void follower.then(() => void tools.delete(event.callId));
        break;
      }
      case 'note':
        screen.line(`· ${event.text}`);
        break;
      case 'turn_ended': {
        void follower.sync();
        void follower.then(() => {
          clearStep();
          // The block first: a line redraws the block as it stands, so the streamed text must be gone from it already.
          render();
          if (event.error !== undefined) screen.warn(`the turn of \`${event.pod}\` failed: ${event.error}`);
          else screen.line(`· turn ${event.end} after ${event.steps} step${event.steps === 1 ? '' : 's'} in ${duration(event.ms)}`);
        });
        return;
      }
    }
    render();
  });
  const refresh = terminal ? setInterval(render, STATUS_EVERY_MS) : undefined;
  return () => {
    offEvents();
    offFollower();
    clearInterval(ticker);
    clearInterval(refresh);
    ticker = undefined;
  };
}
