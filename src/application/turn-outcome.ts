import { isLive, type Lease } from '../domain/pod-status.js';

/**
 * What committed input does to its receiver's run loop:
 * started — an idle live Pod starts a turn; joins_running_turn — the running turn sees it at
 * its next model request; queued — a paused Pod sees it when resumed; withheld — committed,
 * but the ping-pong breaker kept it from starting a turn; none — the Pod is stopped and sees
 * it when restored; to_agent — an external agent drives the Pod (`pods mcp`), no host runs
 * its turns, and the agent receives it with its next tool call.
 */
export type TurnOutcome = 'started' | 'joins_running_turn' | 'queued' | 'withheld' | 'none' | 'to_agent';

export type Delivery = { readonly deliveredTo: 'live' | 'stopped'; readonly turn: TurnOutcome };

export function deliveryFor(lease: Lease | undefined, now: Date): Delivery {
  if (!isLive(lease, now)) return { deliveredTo: 'stopped', turn: 'none' };
  if (lease.driver === 'mcp') return { deliveredTo: 'live', turn: 'to_agent' };
  switch (lease.status) {
    case 'idle':
      return { deliveredTo: 'live', turn: 'started' };
    case 'running':
      return { deliveredTo: 'live', turn: 'joins_running_turn' };
    case 'paused':
      return { deliveredTo: 'live', turn: 'queued' };
  }
}
