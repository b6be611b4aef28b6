import type { Delivery } from '../turn-outcome.js';

export function describeDelivery(delivery: Delivery): string {
  const overdue = delivery.hostOverdueMs;
  if (overdue === undefined) return describeTurn(delivery);
  return `${describeTurn(delivery)}, but its host has not renewed its lease for ${(overdue / 1000).toFixed(1)} s and may have stopped: ` +
    'if so, it sees the message once its lease expires and a host runs it again';
}

function describeTurn(delivery: Delivery): string {
  switch (delivery.turn) {
    case 'started':
      return 'it started a turn';
    case 'joins_running_turn':
      return 'its running turn will see it at the next model request';
    case 'withheld':
      return 'the ping-pong breaker withheld its turn until an operator speaks';
    case 'none':
      return 'no host runs it now; it sees the message when restored';
    case 'to_agent':
      return 'its agent (over MCP) receives it with its next tool call';
  }
}
