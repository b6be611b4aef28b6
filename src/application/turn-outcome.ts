import { isLive, overdueMs, type Lease } from '../domain/pod-status.js';

/** started; joins_running_turn: its next request sees it; withheld: by the breaker; none: stopped; to_agent: an external agent's. */
export type TurnOutcome = 'started' | 'joins_running_turn' | 'withheld' | 'none' | 'to_agent';

/** `hostOverdueMs`: a live receiver's host is over one renewal period late, so it may have died. */
export type Delivery = { readonly deliveredTo: 'live' | 'stopped'; readonly turn: TurnOutcome; readonly hostOverdueMs?: number };

export function deliveryFor(lease: Lease | undefined, now: Date): Delivery {
  if (!isLive(lease, now)) return { deliveredTo: 'stopped', turn: 'none' };
  const overdue = overdueMs(lease, now);
  const live = (turn: TurnOutcome): Delivery => ({ deliveredTo: 'live', turn, ...(overdue === undefined ? {} : { hostOverdueMs: overdue }) });
  if (lease.driver === 'mcp') return live('to_agent');
  return live(lease.status === 'running' ? 'joins_running_turn' : 'started');
}

export const hostOf = (delivery: Delivery): { readonly host?: 'current' | 'overdue' } =>
  delivery.deliveredTo === 'live' ? { host: delivery.hostOverdueMs === undefined ? 'current' : 'overdue' } : {};
