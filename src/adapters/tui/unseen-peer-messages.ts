import type { HistoryEntry } from '../../domain/history-entry.js';
import { unansweredInput, watermark } from '../../domain/turn-trigger.js';

/**
 * How many peer messages the attached Pod's model has not seen yet, by the rule a turn
 * uses (`unansweredInput`), kept from the entries the TUI follows without keeping them all:
 * only what lies past the newest watermark.
 */
export class UnseenPeerMessages {
  private mark = 0;
  private newest = 0;
  private tail: HistoryEntry[] = [];

  /** Starts over from a whole history. */
  reset(history: readonly HistoryEntry[]): void {
    this.mark = watermark(history);
    this.newest = history.at(-1)?.seq ?? 0;
    this.tail = history.filter((e) => e.seq > this.mark);
  }

  /** An entry committed after those known; one known already is ignored. */
  add(entry: HistoryEntry): void {
    if (entry.seq <= this.newest) return;
    this.newest = entry.seq;
    if (entry.seq <= this.mark) return; // a running request already holds it
    this.tail.push(entry);
    // Output before the old mark saw no more than the mark: only the tail can move it.
    const mark = watermark(this.tail);
    if (mark > this.mark) {
      this.mark = mark;
      this.tail = this.tail.filter((e) => e.seq > mark);
    }
  }

  /** A model request holds everything through `seq` (a step started): what it holds is seen. */
  seen(seq: number): void {
    if (seq <= this.mark) return;
    this.mark = seq;
    this.tail = this.tail.filter((e) => e.seq > seq);
  }

  get count(): number {
    return unansweredInput(this.tail).filter((e) => e.kind === 'peer_message').length;
  }
}
