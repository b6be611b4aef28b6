import type { PermissionDecision } from './permission-decision.js';

export type PermissionOption = { readonly optionId: string; readonly kind: string };
export type PermissionOutcome = { readonly outcome: 'selected'; readonly optionId: string } | { readonly outcome: 'cancelled' };

/** One-time kinds only: "always" would stop the agent asking while the scope changes. A missing allow is not widened. */
export function choosePermissionOption(decision: PermissionDecision, options: readonly PermissionOption[]): PermissionOutcome {
  const preference = decision.allow ? ['allow_once', 'reject_once', 'reject_always'] : ['reject_once', 'reject_always'];
  for (const kind of preference) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: 'selected', optionId: option.optionId };
  }
  return { outcome: 'cancelled' };
}
