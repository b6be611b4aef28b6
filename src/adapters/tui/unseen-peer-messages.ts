import type { HistoryEntry } from '../../domain/history-entry.js';
import { unansweredInput, watermark } from '../../domain/turn-trigger.js';
import type { FollowStart } from './history-follower.js';

/** Counted by the rule a turn uses (`unansweredInput`), keeping only what lies past the newest watermark. */
export class UnseenPeerMessages {
  private mark = 0;
  private newest = 0;
  private tail: HistoryEntry[] = [];
  /** Entries up to this seq were never read (the start stopped short of the watermark); 0: all were. */
  private unread = 0;

  reset(start: FollowStart): void {
    this.mark = start.mark;
    this.newest = start.head;
    this.tail = start.sinceMark.filter((e) => e.seq > start.mark);
    this.unread = start.whole ? 0 : start.mark;
  }

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

  /** Whether `count` may miss older ones: entries never read are unseen too until a request holds past them. */
  get atLeast(): boolean {
    return this.mark <= this.unread && this.unread > 0;
  }
}
