import { isShared, type LiveEvent, type SharedLiveEvent } from '../../../../application/ports/live-events.js';
import { PodName } from '../../../../domain/pod-name.js';
import { jsonObject, type Origin } from './event-payloads.js';

/** The transient channel (ADR 0018): turns as they go and cancel requests, never data. */
export const LIVE_CHANNEL = 'pods_live';

type Field = 'string' | 'number' | 'boolean';
const FIELDS: Readonly<Record<SharedLiveEvent['type'], Readonly<Record<string, Field>>>> = {
  turn_started: { hostId: 'string' },
  step_started: { step: 'number', seenThrough: 'number' },
  text: { delta: 'string' },
  tool_started: { callId: 'string', tool: 'string' },
  tool_finished: { callId: 'string', tool: 'string', outcome: 'string', summary: 'string' },
  step_committed: { step: 'number' },
  note: { text: 'string' },
  turn_ended: { end: 'string', steps: 'number', ms: 'number', answered: 'number' },
  cancel_requested: { hostId: 'string' },
  cancel_answered: { hostId: 'string', cancelled: 'boolean' },
};
const OPTIONAL: Readonly<Record<string, Field>> = { reportedTo: 'string', error: 'string' };
/** Fields a viewer prints as they are: only these values. */
const ENUMS: Readonly<Record<string, ReadonlySet<unknown>>> = {
  end: new Set(['finished', 'errored', 'step_limit', 'cancelled']),
  outcome: new Set(['ok', 'invalid_argument', 'execution_failed']),
};

/** `{"o":origin,"n":number,"e":event}`: `n` counts per sender, so no two payloads are equal (NOTIFY folds equal ones). */
export const livePayload = (origin: Origin, n: number, event: SharedLiveEvent): string => JSON.stringify({ o: origin, n, e: event });

export function readLive(payload: string): { readonly origin: Origin; readonly event: SharedLiveEvent } | undefined {
  const { o, e } = jsonObject(payload) ?? {};
  if (typeof o !== 'string' || typeof e !== 'object' || e === null) return undefined;
  const event = e as Record<string, unknown> & { type?: unknown };
  if (typeof event.type !== 'string' || !isShared({ type: event.type } as LiveEvent)) return undefined;
  if (!PodName.parse(typeof event['pod'] === 'string' ? event['pod'] : '').ok) return undefined;
  const fields = FIELDS[event.type as SharedLiveEvent['type']];
  for (const [key, kind] of Object.entries(fields)) if (typeof event[key] !== kind) return undefined;
  for (const [key, kind] of Object.entries(OPTIONAL)) if (key in event && typeof event[key] !== kind) return undefined;
  for (const [key, values] of Object.entries(ENUMS)) if (key in event && !values.has(event[key])) return undefined;
  return { origin: o, event: event as SharedLiveEvent };
}
