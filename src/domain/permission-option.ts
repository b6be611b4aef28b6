import type { PermissionDecision } from './permission-decision.js';

export type PermissionOption = { readonly optionId: string; readonly kind: string };
export type PermissionOutcome = { readonly outcome: 'selected'; readonly optionId: string } | { readonly outcome: 'cancelled' };

/**
 * Always the one-time kind: an "always" answer would let the agent stop asking while the scope changes.
 * An allow with no allow option is refused rather than widened.
 */
export function choosePermissionOption(decision: PermissionDecision, options: readonly PermissionOption[]): PermissionOutcome {
  const preference = decision.allow ? ['allow_once', 'reject_once', 'reject_always'] : ['reject_once', 'reject_always'];
  for (const kind of preference) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: 'selected', optionId: option.optionId };
  }
  return { outcome: 'cancelled' };
}
