/**
 * Two models can keep answering each other forever. After this many peer-triggered turns
 * between one pair with no human input to either Pod, deliveries still commit but no
 * longer start turns, until an operator speaks.
 */
export const PING_PONG_LIMIT = 8;

export type AutoRunDecision =
  | { readonly run: true }
  | { readonly run: false; readonly reason: 'ping_pong_breaker'; readonly autoTurns: number };

export function decideAutoRun(autoTurnsSinceHuman: number): AutoRunDecision {
  return autoTurnsSinceHuman >= PING_PONG_LIMIT
    ? { run: false, reason: 'ping_pong_breaker', autoTurns: autoTurnsSinceHuman }
    : { run: true };
}

export function describeBreaker(from: string, to: string, autoTurns: number): string {
  return (
    `ping-pong breaker: \`${from}\` and \`${to}\` have exchanged ${autoTurns} peer-triggered turns ` +
    `with no human input; this peer message was delivered but did not start a turn. ` +
    `Operator input to either Pod resets the breaker.`
  );
}
