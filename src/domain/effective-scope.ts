import { lentScope, type ChildOwnership } from './child-ownership.js';
import { ScopeRule } from './scope-rule.js';

/**
 * What a Pod may touch right now: its own grants, minus write on everything it has lent
 * to outstanding children (it keeps read, so it can watch their work).
 */
export type EffectiveScope = {
  readonly grants: readonly ScopeRule[];
  readonly lentWrite: readonly ScopeRule[];
};

export function effectiveScope(grants: readonly ScopeRule[], lentToChildren: readonly ScopeRule[]): EffectiveScope {
  return { grants, lentWrite: lentToChildren.filter((r) => r.permission === 'write') };
}

export type DelegationRefusal =
  | { readonly type: 'ScopeNotWithinCaller'; readonly rule: ScopeRule }
  | { readonly type: 'ScopeWriteConflict'; readonly rule: ScopeRule; readonly heldBy: ScopeRule };

/** Pure check for SpawnPod and for restoring a stopped child: may `requested` be lent out of `scope`? */
export function checkDelegation(
  scope: EffectiveScope,
  requested: readonly ScopeRule[],
): DelegationRefusal | undefined {
  for (const rule of requested) {
    if (!scope.grants.some((g) => ScopeRule.covers(g, rule))) return { type: 'ScopeNotWithinCaller', rule };
    if (rule.permission !== 'write') continue;
    const heldBy = scope.lentWrite.find((l) => ScopeRule.overlaps(l, rule));
    if (heldBy) return { type: 'ScopeWriteConflict', rule, heldBy };
  }
  // Two write rules in one request would lend the same path twice.
  const writes = requested.filter((r) => r.permission === 'write');
  for (const [i, a] of writes.entries()) {
    const b = writes.slice(i + 1).find((w) => ScopeRule.overlaps(a, w));
    if (b) return { type: 'ScopeWriteConflict', rule: b, heldBy: a };
  }
  return undefined;
}

/**
 * Whether a parent holding `grants`, with these `children`, may lend `rules` now: for
 * SpawnPod, and for restoring a stopped child (which borrows its scope again). ListPods
 * asks the same question for `restore.possible`, so the listing and the tool agree.
 */
export function lendingRefusal(
  grants: readonly ScopeRule[],
  children: readonly ChildOwnership[],
  rules: readonly ScopeRule[],
): DelegationRefusal | undefined {
  return checkDelegation(effectiveScope(grants, lentScope(children)), rules);
}

export function describeDelegationRefusal(caller: string, refusal: DelegationRefusal): string {
  switch (refusal.type) {
    case 'ScopeNotWithinCaller':
      return `scope rule ${ScopeRule.describe(refusal.rule)} is not within \`${caller}\`'s effective scope`;
    case 'ScopeWriteConflict':
      return `scope rule ${ScopeRule.describe(refusal.rule)} overlaps write scope ${ScopeRule.describe(refusal.heldBy)} that is already lent to a child`;
  }
}

/** Whether the scope lets its holder use `rule` now. */
export function permits(scope: EffectiveScope, rule: ScopeRule): boolean {
  if (!scope.grants.some((g) => ScopeRule.covers(g, rule))) return false;
  return rule.permission === 'read' || !scope.lentWrite.some((l) => ScopeRule.overlaps(l, rule));
}
