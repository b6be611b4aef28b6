import type { Kysely } from 'kysely';
import { isShared, type LiveEvent, type SharedLiveEvent } from '../../../../application/ports/live-events.js';
import type { Database } from '../schema/database.js';
import { NotifyBatches } from './notify-batches.js';
import type { Origin } from './event-payloads.js';
import { LIVE_CHANNEL, livePayload } from './live-payloads.js';

/** Statements of live notices of one process start at least this far apart: at most ~60 a second. */
export const LIVE_GAP_MS = 16;
/** Text of one payload, in UTF-16 units: even all escaped as `\uXXXX`, a payload stays under NOTIFY's 8000 bytes. */
export const TEXT_CHUNK = 1_000;
/** Text of one Pod kept per statement: a viewer shows a few rows, and the committed reply follows whole. */
export const TEXT_PER_STATEMENT = 16_000;
/** Events waiting for a statement; past it, new ones are dropped until it goes (the committed entries follow). */
export const QUEUE_LIMIT = 500;
/** Free text of other events (tool summaries, notes) is cut to this. */
const FIELD_LIMIT = 500;

/** Turns sent to other processes on the live channel (ADR 0018), at bounded cost; losing one loses no data. */
export class LiveNotices {
  private queue: SharedLiveEvent[] = [];
  private count = 0;
  private readonly batches: NotifyBatches;

  constructor(db: Kysely<Database>, origin: Origin) {
    this.batches = new NotifyBatches(db, LIVE_CHANNEL, LIVE_GAP_MS, () => {
      const batch = this.queue.flatMap(split).map((event) => livePayload(origin, (this.count += 1), event));
      this.queue = [];
      return batch;
    });
  }

  send(event: LiveEvent): void {
    if (!isShared(event)) return;
    const last = this.queue.at(-1);
    if (event.type === 'text' && last?.type === 'text' && last.pod === event.pod) {
      this.queue[this.queue.length - 1] = { ...last, delta: tail(last.delta + event.delta, TEXT_PER_STATEMENT) };
    } else if (this.queue.length < QUEUE_LIMIT || event.type === 'turn_ended' || event.type === 'cancel_answered') {
      this.queue.push(bounded(event));
    }
    this.batches.kick();
  }

  flush(): Promise<void> {
    return this.batches.flush();
  }
}

const tail = (text: string, max: number): string => (text.length <= max ? text : text.slice(text.length - max));
const cut = (text: string): string => (text.length <= FIELD_LIMIT ? text : `${text.slice(0, FIELD_LIMIT - 1)}…`);

function bounded(event: SharedLiveEvent): SharedLiveEvent {
  switch (event.type) {
    case 'text':
      return { ...event, delta: tail(event.delta, TEXT_PER_STATEMENT) };
    case 'tool_started':
      return { ...event, tool: cut(event.tool) };
    case 'tool_finished':
      return { ...event, tool: cut(event.tool), summary: cut(event.summary) };
    case 'note':
      return { ...event, text: cut(event.text) };
    case 'turn_ended':
      return event.error === undefined ? event : { ...event, error: cut(event.error) };
    default:
      return event;
  }
}

function split(event: SharedLiveEvent): SharedLiveEvent[] {
  if (event.type !== 'text' || event.delta.length <= TEXT_CHUNK) return [event];
  const pieces: SharedLiveEvent[] = [];
  for (let at = 0; at < event.delta.length; at += TEXT_CHUNK) pieces.push({ ...event, delta: event.delta.slice(at, at + TEXT_CHUNK) });
  return pieces;
}
