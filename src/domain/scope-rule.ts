import { AbsolutePath, type InvalidPath } from './absolute-path.js';
import { err, ok, type Result } from './result.js';

export type Permission = 'read' | 'write';

/** Recursive: the target and everything below it; non-recursive: the target and its direct children only. */
export type ScopeRule = {
  readonly target: AbsolutePath;
  readonly permission: Permission;
  readonly recursive: boolean;
};

export type ScopeRuleInput = { readonly target: string; readonly permission: string; readonly recursive?: boolean };
export type InvalidScopeRule =
  | InvalidPath
  | { readonly type: 'InvalidPermission'; readonly permission: string };

const rank: Record<Permission, number> = { read: 0, write: 1 };

export const ScopeRule = {
  parse(input: ScopeRuleInput): Result<ScopeRule, InvalidScopeRule> {
    const target = AbsolutePath.parse(input.target);
    if (!target.ok) return target;
    if (input.permission !== 'read' && input.permission !== 'write') {
      return err({ type: 'InvalidPermission', permission: input.permission });
    }
    return ok({ target: target.value, permission: input.permission, recursive: input.recursive ?? true });
  },
  /** `write:/abs/path` or `read:/abs/path`, recursive; the CLI's `--scope` form. */
  parseShorthand(raw: string): Result<ScopeRule, InvalidScopeRule> {
    const colon = raw.indexOf(':');
    if (colon < 0) return err({ type: 'InvalidPermission', permission: raw });
    return ScopeRule.parse({ permission: raw.slice(0, colon), target: raw.slice(colon + 1) });
  },
  describe(rule: ScopeRule): string {
    return `${rule.permission}:${rule.target}${rule.recursive ? '' : ' [non-recursive]'}`;
  },
  describeError(error: InvalidScopeRule): string {
    return error.type === 'InvalidPath'
      ? AbsolutePath.describe(error)
      : `invalid permission ${JSON.stringify(error.permission)}: must be "read" or "write"`;
  },
  covers(outer: ScopeRule, inner: ScopeRule): boolean {
    if (rank[inner.permission] > rank[outer.permission]) return false;
    if (outer.recursive) return AbsolutePath.isWithin(inner.target, outer.target);
    return inner.target === outer.target && !inner.recursive;
  },
  overlaps(a: ScopeRule, b: ScopeRule): boolean {
    const reaches = (x: ScopeRule, y: ScopeRule) =>
      AbsolutePath.isWithin(y.target, x.target) &&
      (x.recursive || y.target === x.target || AbsolutePath.isDirectChild(y.target, x.target));
    return reaches(a, b) || reaches(b, a);
  },
  /** True when `rule` grants on `path` itself: anywhere below a recursive rule, the target and its direct children for a non-recursive one. */
  reaches(rule: ScopeRule, path: AbsolutePath): boolean {
    return rule.recursive
      ? AbsolutePath.isWithin(path, rule.target)
      : path === rule.target || AbsolutePath.isDirectChild(path, rule.target);
  },
  equals(a: ScopeRule, b: ScopeRule): boolean {
    return a.target === b.target && a.permission === b.permission && a.recursive === b.recursive;
  },
};
