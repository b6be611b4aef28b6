import type { PodEvent, PodEvents } from '../../application/ports/pod-events.js';
import type { PodName } from '../../domain/pod-name.js';

export type LiveTurn = { readonly since: number; text: string };

/** Text kept per running Pod: enough for a few rows of tail. */
const TEXT_KEPT = 4_000;

/** A Pod whose lease changes has no turn until it says so again; one heard streaming without a start runs since then. */
export class LiveTurns {
  private readonly turns = new Map<PodName, LiveTurn>();
  /** When each Pod's last turn was heard to end: a read begun before it is older news. */
  private readonly ended = new Map<PodName, number>();
  private readonly off: () => void;

  constructor(events: PodEvents, private readonly changed: (pod: PodName) => void = () => undefined) {
    this.off = events.subscribe((event) => this.hear(event));
  }

  get(pod: PodName): LiveTurn | undefined {
    return this.turns.get(pod);
  }

  running(pod: PodName): boolean {
    return this.turns.has(pod);
  }

  /** Found running by a read at `readAt` before any event said so, unless its turn was heard to end after that. */
  assume(pod: PodName, readAt = Date.now()): void {
    if (this.turns.has(pod) || (this.ended.get(pod) ?? -Infinity) >= readAt) return;
    this.turns.set(pod, { since: Date.now(), text: '' });
  }

  private end(pod: PodName): void {
    this.turns.delete(pod);
    this.ended.set(pod, Date.now());
  }

  close(): void {
    this.off();
  }

  private hear(event: PodEvent): void {
    switch (event.type) {
      case 'turn_started':
        this.turns.set(event.pod, { since: Date.now(), text: '' });
        break;
      case 'step_started':
      case 'tool_started':
        this.assume(event.pod);
        if (event.type === 'step_started') this.turns.get(event.pod)!.text = '';
        break;
      case 'text': {
        this.assume(event.pod);
        const turn = this.turns.get(event.pod)!;
        turn.text = (turn.text + event.delta).slice(-TEXT_KEPT);
        break;
      }
      case 'turn_ended':
      case 'lease_lost':
        this.end(event.pod);
        break;
      case 'committed':
        if (event.changes.lease === undefined && !event.changes.removed) return;
        this.end(event.pod);
        break;
      default:
        return;
    }
    this.changed(event.pod);
  }
}
