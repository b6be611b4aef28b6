import { describeLeaseLost } from '../../application/host/attach-refusal.js';
import type { PodsApp } from '../../application/pods-app.js';
import type { PodName } from '../../domain/pod-name.js';
import type { HistoryFollower } from './history-follower.js';
import { LiveBlock, type LiveBlockParts } from './live-block.js';
import { Attention } from './attention.js';

/** The status line follows what changes without an event (a lease taken over); drawn only when it changed. */
const STATUS_EVERY_MS = 250;

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export const promptFor = (pod: PodName, note = ''): string => `${pod}${note}> `;

export type TurnProgressParts = LiveBlockParts & {
  readonly app: Pick<PodsApp, 'events' | 'runtime'>;
  readonly follower: HistoryFollower;
};

/** On a terminal the live block; in every mode one line when a turn ends, queued behind its committed entries. */
export function showTurnProgress(parts: TurnProgressParts): () => void {
  const { app, follower, screen, attached, terminal, turns } = parts;
  // On a terminal only: a pipe's output is what its lines did, nothing else.
  const attention = new Attention(screen, (pod) => terminal && pod !== attached() && app.runtime.isRunning(pod), (pod) => turns.running(pod));
  const block = new LiveBlock(parts);
  const render = (): void => block.render();

  const offFollower = follower.watch({
    followed: (_pod, start) => {
      block.clearStep();
      block.unseen.reset(start);
      render();
    },
    shown: (entry) => {
      block.unseen.add(entry);
      block.shown(entry.kind);
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
        if (event.pod === attached() && event.changes.lease !== undefined) block.clearStep();
        if (event.changes.history) attention.committed(event.pod);
        return render();
    }
    if (event.type === 'turn_ended') attention.ended(event.pod, event.steps, event.error);
    if (!('pod' in event) || event.pod !== attached()) return render();
    switch (event.type) {
      case 'step_started':
        block.clearStep();
        block.unseen.seen(event.seenThrough);
        break;
      case 'text':
        block.text(event.delta);
        break;
      case 'step_committed':
        // The committed reply replaces the streamed text once the follower has printed it.
        void follower.sync();
        break;
      case 'tool_started':
        block.toolStarted(event.callId, event.tool);
        break;
      case 'tool_finished':
        block.toolFinished(event.callId, event.outcome);
        void follower.sync();
        void follower.then(() => block.toolGone(event.callId));
        break;
      case 'note':
        screen.line(`· ${event.text}`);
        break;
      case 'turn_ended': {
        void follower.sync();
        void follower.then(() => {
          block.clearStep();
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
    block.stop();
    clearInterval(refresh);
  };
}
