import type { PodName } from '../../domain/pod-name.js';
import type { TuiScreen } from './tui-screen.js';

/** One "got input" line per Pod at most this often: a burst of messages is one line. */
const QUIET_MS = 3_000;

/** One line when a Pod this TUI runs but does not show gets input or ends a turn, saying how to look. */
export class Attention {
  private readonly lastSaid = new Map<PodName, number>();

  constructor(
    private readonly screen: TuiScreen,
    private readonly elsewhere: (pod: PodName) => boolean,
    private readonly turning: (pod: PodName) => boolean,
  ) {}

  committed(pod: PodName): void {
    if (!this.elsewhere(pod) || this.turning(pod)) return;
    const now = Date.now();
    if (now - (this.lastSaid.get(pod) ?? -Infinity) < QUIET_MS) return;
    this.lastSaid.set(pod, now);
    this.screen.line(this.screen.palette.warning(`· \`${pod}\` got new input; \`:attach ${pod}\` shows it`));
  }

  ended(pod: PodName, steps: number, error: string | undefined): void {
    if (!this.elsewhere(pod)) return;
    this.lastSaid.delete(pod);
    const how = error === undefined ? `finished a turn (${steps} step${steps === 1 ? '' : 's'})` : `ended a turn with an error: ${error}`;
    this.screen.line(this.screen.palette.warning(`· \`${pod}\` ${how}; \`:attach ${pod}\` shows it`));
  }
}
