import type { PodName } from '../../domain/pod-name.js';
import { liveRows, type PodWhere } from './live-rows.js';
import type { LiveTurns } from './live-turns.js';
import type { TuiScreen } from './tui-screen.js';
import { UnseenPeerMessages } from './unseen-peer-messages.js';

const TICK_MS = 100;

export type LiveBlockParts = {
  readonly turns: LiveTurns;
  readonly screen: TuiScreen;
  readonly attached: () => PodName | undefined;
  readonly terminal: boolean;
  readonly columns: () => number;
  readonly where: () => PodWhere;
  readonly unconfined: () => boolean;
};

type Running = { readonly tool: string; readonly since: number; outcome?: string };

/** Animates while a turn or tool runs, and lets go of what a step committed once the follower printed it. */
export class LiveBlock {
  readonly unseen = new UnseenPeerMessages();
  private streamed = '';
  private readonly tools = new Map<string, Running>();
  private ticker: NodeJS.Timeout | undefined;
  private frame = 0;

  constructor(private readonly parts: LiveBlockParts) {}

  render(): void {
    const { turns, screen, terminal } = this.parts;
    const pod = this.parts.attached();
    if (!terminal || pod === undefined) return;
    const since = turns.get(pod)?.since;
    const busy = since !== undefined;
    const now = Date.now();
    screen.live(liveRows({
      streamed: this.streamed,
      tools: [...this.tools.values()].map((t) => ({ tool: t.tool, ms: now - t.since, ...(t.outcome ? { outcome: t.outcome } : {}) })),
      status: { pod, where: this.parts.where(), ...(since !== undefined ? { turnMs: now - since } : {}), unseenPeerMessages: this.unseen.count, ...(this.unseen.atLeast ? { unseenAtLeast: true } : {}), unconfined: this.parts.unconfined() },
      frame: this.frame,
      columns: this.parts.columns(),
      palette: screen.palette,
    }));
    if ((busy || this.tools.size > 0) && !this.ticker) this.ticker = setInterval(() => this.tick(), TICK_MS);
    if (!busy && this.tools.size === 0) this.stop();
  }

  /** A new step, or the Pod's host changed: what was streamed is gone (history keeps what was committed). */
  clearStep(): void {
    this.streamed = '';
    this.tools.clear();
  }

  shown(kind: string): void {
    if (kind === 'assistant_message' || kind === 'tool_call') this.streamed = '';
  }

  text(delta: string): void {
    this.streamed += delta;
  }

  toolStarted(callId: string, tool: string): void {
    this.tools.set(callId, { tool, since: Date.now() });
  }

  toolFinished(callId: string, outcome: string): void {
    const running = this.tools.get(callId);
    if (running) running.outcome = outcome;
  }

  toolGone(callId: string): void {
    this.tools.delete(callId);
  }

  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private tick(): void {
    this.frame += 1;
    this.render();
  }
}

