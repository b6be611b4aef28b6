import { AbsolutePath } from './absolute-path.js';
import type { EffectiveScope } from './effective-scope.js';
import { ScopeRule } from './scope-rule.js';

export type Access = 'none' | 'read' | 'write';

/** The one table behind the OS sandbox, permission answers and pods' file methods; withheld paths beat any rule. */
export type Confinement = {
  readonly scope: EffectiveScope;
  readonly stateDirectory?: AbsolutePath;
  readonly readOnly: readonly AbsolutePath[];
  readonly withheld: readonly AbsolutePath[];
};

export type AccessGround =
  | { readonly type: 'StateDirectory'; readonly path: AbsolutePath }
  | { readonly type: 'Withheld'; readonly path: AbsolutePath }
  /** A grant reaches the path; with `lent`, its write is lent to a child and only read is left. */
  | { readonly type: 'Rule'; readonly rule: ScopeRule; readonly lent?: ScopeRule }
  | { readonly type: 'ReadOnly'; readonly path: AbsolutePath }
  | { readonly type: 'NoRule' };

export type PathAccess = { readonly access: Access; readonly ground: AccessGround };

const RANK: Readonly<Record<Access, number>> = { none: 0, read: 1, write: 2 };

export const allows = (having: Access, needed: Access): boolean => RANK[having] >= RANK[needed];

const deepest = (rules: readonly ScopeRule[]): ScopeRule | undefined =>
  rules.reduce<ScopeRule | undefined>((best, r) => (!best || r.target.length > best.target.length ? r : best), undefined);

/** In order: state directory, withheld paths, scope (write: reached by a grant, not by a lent rule), read-only additions. */
export function accessAt(c: Confinement, path: AbsolutePath): PathAccess {
  if (c.stateDirectory && AbsolutePath.isWithin(path, c.stateDirectory)) {
    return { access: 'write', ground: { type: 'StateDirectory', path: c.stateDirectory } };
  }
  const withheld = c.withheld.find((w) => AbsolutePath.isWithin(path, w));
  if (withheld) return { access: 'none', ground: { type: 'Withheld', path: withheld } };
  const reaching = c.scope.grants.filter((g) => ScopeRule.reaches(g, path));
  const writer = deepest(reaching.filter((g) => g.permission === 'write'));
  const lent = writer && c.scope.lentWrite.find((l) => ScopeRule.reaches(l, path));
  if (writer && !lent) return { access: 'write', ground: { type: 'Rule', rule: writer } };
  if (writer && lent) return { access: 'read', ground: { type: 'Rule', rule: writer, lent } };
  const reader = deepest(reaching);
  if (reader) return { access: 'read', ground: { type: 'Rule', rule: reader } };
  const readOnly = c.readOnly.find((r) => AbsolutePath.isWithin(path, r));
  if (readOnly) return { access: 'read', ground: { type: 'ReadOnly', path: readOnly } };
  return { access: 'none', ground: { type: 'NoRule' } };
}

/** Deleting, moving or searching a directory touches everything under it, withheld paths and lent rules included. */
export function withinSubtree(c: Confinement, path: AbsolutePath, needed: Access): AccessGround | undefined {
  const below = (target: AbsolutePath) => target !== path && AbsolutePath.isWithin(target, path);
  const withheld = c.withheld.find((w) => below(w) && !(c.stateDirectory && AbsolutePath.isWithin(w, c.stateDirectory)));
  if (withheld) return { type: 'Withheld', path: withheld };
  if (needed !== 'write') return undefined;
  const lent = c.scope.lentWrite.find((l) => below(l.target));
  const rule = lent && deepest(c.scope.grants.filter((g) => g.permission === 'write' && ScopeRule.reaches(g, lent.target)));
  return lent ? { type: 'Rule', rule: rule ?? lent, lent } : undefined;
}

export function describeGround(ground: AccessGround): string {
  switch (ground.type) {
    case 'StateDirectory':
      return `the agent's state directory ${ground.path}`;
    case 'Withheld':
      return `${ground.path} is withheld from agents`;
    case 'Rule':
      return ground.lent ? `${ScopeRule.describe(ground.lent)} is lent to a child` : ScopeRule.describe(ground.rule);
    case 'ReadOnly':
      return `read-only path ${ground.path}`;
    case 'NoRule':
      return 'no scope rule covers it';
  }
}
