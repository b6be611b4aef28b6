import type { PodChanges, PodCommitted } from '../../../../application/ports/pod-events.js';
import { PodName } from '../../../../domain/pod-name.js';

/** One notification per Pod a commit changed (ADR 0011, ADR 0018), sent after the commit. */
export const EVENTS_CHANNEL = 'pods_events';

/** Who sent a notification: a process's own are delivered to it at once, so it skips their echo. */
export type Origin = string;

/** `{"o":origin,"p":pod,"c":changes}`: well under NOTIFY's 8000-byte payload limit for any Pod name. */
export const committedPayload = (origin: Origin, pod: PodName, changes: PodChanges): string => JSON.stringify({ o: origin, p: pod, c: changes });

const DRIVERS = new Set(['model', 'acp', 'mcp']);

/** A payload's JSON object; undefined for anything else (a payload from any process is read with care). */
export function jsonObject(payload: string): Record<string, unknown> | undefined {
  try {
    const raw: unknown = JSON.parse(payload);
    return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A notification as an event, with its origin; undefined for anything this version does not read. */
export function readCommitted(payload: string): { readonly origin: Origin; readonly event: PodCommitted } | undefined {
  const { o, p, c } = jsonObject(payload) ?? {};
  const pod = PodName.parse(typeof p === 'string' ? p : '');
  if (typeof o !== 'string' || !pod.ok || typeof c !== 'object' || c === null) return undefined;
  return { origin: o, event: { type: 'committed', pod: pod.value, changes: changesFrom(c as Record<string, unknown>) } };
}

function changesFrom(c: Record<string, unknown>): PodChanges {
  const lease = c['lease'];
  const taken = typeof lease === 'object' && lease !== null ? (lease as Record<string, unknown>) : undefined;
  return {
    ...(c['history'] === true ? { history: true } : {}),
    ...(c['created'] === true ? { created: true } : {}),
    ...(c['removed'] === true ? { removed: true } : {}),
    ...(lease === 'ended' ? { lease: 'ended' } : {}),
    ...(taken && typeof taken['takenBy'] === 'string' && DRIVERS.has(String(taken['driver']))
      ? { lease: { takenBy: taken['takenBy'], driver: taken['driver'] as 'model' | 'acp' | 'mcp' } }
      : {}),
  };
}
