import { lentScope, type ChildOwnership } from './child-ownership.js';
import { ScopeRule } from './scope-rule.js';

/** Grants minus write on what is lent to outstanding children (read is kept, to watch their work). */
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

export function checkDelegation(
  scope: EffectiveScope,
  requested: readonly ScopeRule[],
): DelegationRefusal | undefined {
  return refusalOf(scope.grants, (rule) => scope.lentWrite.find((l) => ScopeRule.overlaps(l, rule)), requested);
}

/** Lent write rules indexed by path once (ListPods asks for every stopped child); answers as `checkDelegation` does. */
export function delegationChecker(scope: EffectiveScope): (requested: readonly ScopeRule[]) => DelegationRefusal | undefined {
  if (scope.lentWrite.length === 0) return (requested) => refusalOf(scope.grants, () => undefined, requested);
  let lent: LentWriteIndex | undefined; // built on the first request that needs it
  return (requested) => refusalOf(scope.grants, (rule) => (lent ??= new LentWriteIndex(scope.lentWrite)).firstOverlapping(rule), requested);
}

function refusalOf(
  grants: readonly ScopeRule[],
  lentWriteOverlapping: (rule: ScopeRule) => ScopeRule | undefined,
  requested: readonly ScopeRule[],
): DelegationRefusal | undefined {
  for (const rule of requested) {
    if (!grants.some((g) => ScopeRule.covers(g, rule))) return { type: 'ScopeNotWithinCaller', rule };
    if (rule.permission !== 'write') continue;
    const heldBy = lentWriteOverlapping(rule);
    if (heldBy) return { type: 'ScopeWriteConflict', rule, heldBy };
  }
  // Two write rules in one request would lend the same path twice. Index loops: ListPods
  // asks this for every stopped child, and a request is a handful of rules.
  for (let i = 0; i < requested.length; i += 1) {
    const a = requested[i]!;
    if (a.permission !== 'write') continue;
    for (let j = i + 1; j < requested.length; j += 1) {
      const b = requested[j]!;
      if (b.permission === 'write' && ScopeRule.overlaps(a, b)) return { type: 'ScopeWriteConflict', rule: b, heldBy: a };
    }
  }
  return undefined;
}

/** One path of the index, by the lowest position (in the indexed list) of the rules that target it, a child of it, or anything at or below it. */
type PathNode = {
  readonly below: Map<string, PathNode>;
  exact: number;
  exactRecursive: number;
  directChild: number;
  subtree: number;
};

const segmentsOf = (path: string): readonly string[] => (path === '/' ? [] : path.slice(1).split('/'));
const pathNode = (): PathNode => ({ below: new Map(), exact: Infinity, exactRecursive: Infinity, directChild: Infinity, subtree: Infinity });

/** `ScopeRule.overlaps(l, r)` holds when either rule reaches the other; both directions are read off the nodes on r's path. */
class LentWriteIndex {
  private readonly root = pathNode();

  constructor(private readonly rules: readonly ScopeRule[]) {
    for (const [position, rule] of rules.entries()) {
      let node = this.root;
      node.subtree = Math.min(node.subtree, position);
      const segments = segmentsOf(rule.target);
      for (const [depth, segment] of segments.entries()) {
        let next = node.below.get(segment);
        if (!next) node.below.set(segment, (next = pathNode()));
        if (depth === segments.length - 1) node.directChild = Math.min(node.directChild, position);
        node = next;
        node.subtree = Math.min(node.subtree, position);
      }
      node.exact = Math.min(node.exact, position);
      if (rule.recursive) node.exactRecursive = Math.min(node.exactRecursive, position);
    }
  }

  firstOverlapping(rule: ScopeRule): ScopeRule | undefined {
    const segments = segmentsOf(rule.target);
    let first = Infinity;
    let node: PathNode | undefined = this.root;
    for (let depth = 0; node; depth += 1) {
      // A lent rule here reaches `rule` when recursive, or when here is rule's own path or its parent.
      first = Math.min(first, depth >= segments.length - 1 ? node.exact : node.exactRecursive);
      if (depth === segments.length) {
        // `rule` reaches the lent rules here and below: all of them when recursive, else here and one level down.
        first = Math.min(first, rule.recursive ? node.subtree : Math.min(node.exact, node.directChild));
        break;
      }
      node = node.below.get(segments[depth]!);
    }
    return first === Infinity ? undefined : this.rules[first];
  }
}

/** ListPods asks the same for `restore.possible`, so the listing and the tool agree. */
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

export function permits(scope: EffectiveScope, rule: ScopeRule): boolean {
  if (!scope.grants.some((g) => ScopeRule.covers(g, rule))) return false;
  return rule.permission === 'read' || !scope.lentWrite.some((l) => ScopeRule.overlaps(l, rule));
}
