import { describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import { confinementPlan, type ConfinementPlan } from '../../src/domain/confinement-plan.js';
import { accessAt, allows, type Access, type Confinement } from '../../src/domain/confinement.js';
import { effectiveScope, permits } from '../../src/domain/effective-scope.js';
import { ScopeRule } from '../../src/domain/scope-rule.js';

const path = (raw: string) => AbsolutePath.unsafe(raw);
const rule = (shorthand: string, recursive = true): ScopeRule => {
  const parsed = ScopeRule.parseShorthand(shorthand);
  if (!parsed.ok) throw new Error(shorthand);
  return { ...parsed.value, recursive };
};
const confinement = (grants: ScopeRule[], lent: ScopeRule[] = [], extra: Partial<Confinement> = {}): Confinement => ({
  scope: effectiveScope(grants, lent),
  readOnly: [],
  withheld: [],
  ...extra,
});

/** What the mounts give `p`: the deepest mount at or above it, else nothing (the sandbox's empty root). */
const planAccess = (plan: ConfinementPlan, p: AbsolutePath): Access =>
  plan.mounts.findLast((m) => AbsolutePath.isWithin(p, m.path))?.access ?? 'none';
const mounts = (plan: ConfinementPlan) => plan.mounts.map((m) => `${m.access}:${m.path}`);
const noSubdirectories = () => [];

describe('confinementPlan: nested rules', () => {
  it('keeps a write rule lent to a child read-only inside the writable parent', () => {
    const plan = confinementPlan(confinement([rule('write:/w')], [rule('write:/w/sub')]), noSubdirectories);
    expect(mounts(plan)).toEqual(['write:/w', 'read:/w/sub']);
  });
  it('makes a write rule inside a read rule writable after it', () => {
    const plan = confinementPlan(confinement([rule('read:/a'), rule('write:/a/b')]), noSubdirectories);
    expect(mounts(plan)).toEqual(['read:/a', 'write:/a/b']);
  });
  it('hides withheld paths under a rule, and shows the state directory inside them', () => {
    const plan = confinementPlan(
      confinement([rule('write:/home/u')], [], { withheld: [path('/home/u/.pods')], stateDirectory: path('/home/u/.pods/agents/p') }),
      noSubdirectories,
    );
    expect(mounts(plan)).toEqual(['write:/home/u', 'none:/home/u/.pods', 'write:/home/u/.pods/agents/p']);
  });
  it('mounts nothing twice: a rule inside an equal one adds no mount', () => {
    expect(mounts(confinementPlan(confinement([rule('read:/a'), rule('read:/a/b'), rule('write:/')]), noSubdirectories))).toEqual(['write:/']);
  });
  it('gives a non-recursive rule its target, and each existing subdirectory what lies below it, and says so', () => {
    const plan = confinementPlan(confinement([rule('write:/w', false), rule('read:/')]), (t) => (t === '/w' ? [path('/w/d'), path('/w/e')] : []));
    expect(mounts(plan)).toEqual(['read:/', 'write:/w', 'read:/w/d', 'read:/w/e']);
    expect(plan.limits).toEqual([expect.stringContaining('write:/w [non-recursive]: its subdirectories are fixed when the agent starts')]);
    const alone = confinementPlan(confinement([rule('read:/d', false)]), () => [path('/d/x')]);
    expect(mounts(alone)).toEqual(['read:/d', 'none:/d/x']);
  });
});

/** A small deterministic generator, so a failure names its seed. */
const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const SEGMENTS = ['a', 'b', 'ab'];
const pathFrom = (next: () => number, maxDepth: number) =>
  path(`/${Array.from({ length: Math.floor(next() * (maxDepth + 1)) }, () => SEGMENTS[Math.floor(next() * 3)]).join('/')}`);
const childrenOf = (p: AbsolutePath) => SEGMENTS.map((s) => path(`${p === '/' ? '' : p}/${s}`));
const ancestorsOf = (p: AbsolutePath): AbsolutePath[] =>
  p === '/' ? [] : [path(p.slice(0, p.lastIndexOf('/')) || '/'), ...ancestorsOf(path(p.slice(0, p.lastIndexOf('/')) || '/'))];

describe('confinementPlan over generated scopes: the mounts give each path what accessAt gives it', () => {
  it('agrees on every path that can exist; a subdirectory of a non-recursive rule gets what its entries get', () => {
    for (let seed = 1; seed <= 400; seed += 1) {
      const next = random(seed);
      const ruleFrom = (permission?: string) =>
        rule(`${permission ?? (next() < 0.6 ? 'write' : 'read')}:${pathFrom(next, 3)}`, next() < 0.6);
      const files = new Set(Array.from({ length: 12 }, () => pathFrom(next, 4)).filter((p) => p !== '/'));
      const c = confinement(
        Array.from({ length: 1 + Math.floor(next() * 4) }, () => ruleFrom()),
        Array.from({ length: Math.floor(next() * 4) }, () => ruleFrom('write')),
        {
          readOnly: next() < 0.3 ? [pathFrom(next, 2)] : [],
          withheld: next() < 0.3 ? [pathFrom(next, 3)] : [],
          ...(next() < 0.3 ? { stateDirectory: pathFrom(next, 3) } : {}),
        },
      );
      const subdirectoriesOf = (t: AbsolutePath) => childrenOf(t).filter((p) => !files.has(p));
      const plan = confinementPlan(c, subdirectoriesOf);
      const listed = new Set([...c.scope.grants, ...c.scope.lentWrite].filter((r) => !r.recursive).flatMap((r) => subdirectoriesOf(r.target)));
      for (let k = 0; k < 60; k += 1) {
        const p = pathFrom(next, 4);
        if (ancestorsOf(p).some((a) => files.has(a))) continue; // cannot exist
        // The written-down limit: a subdirectory's own entry shares its mount with its entries.
        const want = accessAt(c, listed.has(p) ? path(`${p}/\0`) : p).access;
        const got = planAccess(plan, p);
        const label = `seed ${seed}, ${p}: plan ${got}, scope ${want}, mounts ${mounts(plan).join(' ')}`;
        expect(got, label).toBe(want);
      }
    }
  });

  it('answers as permits does for one path, with recursive rules and nothing lent below it', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const next = random(seed);
      const grants = Array.from({ length: 1 + Math.floor(next() * 3) }, () => rule(`${next() < 0.6 ? 'write' : 'read'}:${pathFrom(next, 3)}`));
      const lent = Array.from({ length: Math.floor(next() * 3) }, () => rule(`write:${pathFrom(next, 3)}`));
      const c = confinement(grants, lent);
      const plan = confinementPlan(c, noSubdirectories);
      for (let k = 0; k < 40; k += 1) {
        const p = pathFrom(next, 4);
        if (lent.some((l) => l.target !== p && AbsolutePath.isWithin(l.target, p))) continue;
        for (const permission of ['read', 'write'] as const) {
          const permitted = permits(c.scope, { target: p, permission, recursive: false });
          expect(allows(planAccess(plan, p), permission), `seed ${seed}, ${permission} ${p}`).toBe(permitted);
        }
      }
    }
  });
});
