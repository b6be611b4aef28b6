import type { PermissionDecision } from './permission-decision.js';

export type PermissionOption = { readonly optionId: string; readonly kind: string };
export type PermissionOutcome = { readonly outcome: 'selected'; readonly optionId: string } | { readonly outcome: 'cancelled' };

/**
 * The option that carries out `decision`. Always the one-time kind first: an "always"
 * answer would let the agent stop asking, and the scope changes when the Pod lends or gets
 * back a rule. An allow with no allow option is refused rather than widened; with no
 * fitting option at all the request is cancelled.
 */
export function choosePermissionOption(decision: PermissionDecision, options: readonly PermissionOption[]): PermissionOutcome {
  const preference = decision.allow ? ['allow_once', 'reject_once', 'reject_always'] : ['reject_once', 'reject_always'];
  for (const kind of preference) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: 'selected', optionId: option.optionId };
  }
  return { outcome: 'cancelled' };
}
