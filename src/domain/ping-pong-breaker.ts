/** Two models can answer each other forever: past this many peer-triggered turns, deliveries no longer start turns. */
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
