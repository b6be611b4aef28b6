import { describe, expect, it } from 'vitest';
import { checkDelegation, delegationChecker, effectiveScope, permits } from '../../src/domain/effective-scope.js';
import { ScopeRule } from '../../src/domain/scope-rule.js';
import { rule } from '../support/world.js';

const nonRecursive = (shorthand: string) => ({ ...rule(shorthand), recursive: false });

describe('ScopeRule.covers', () => {
  it.each([
    ['write:/w', 'write:/w/a/b', true],
    ['write:/w', 'read:/w', true],
    ['read:/w', 'write:/w/a', false],
    ['write:/w', 'write:/wx', false],
    ['write:/', 'read:/etc', true],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(ScopeRule.covers(rule(outer), rule(inner))).toBe(expected);
  });
  it('a non-recursive rule covers only itself non-recursively', () => {
    expect(ScopeRule.covers(nonRecursive('write:/w'), nonRecursive('read:/w'))).toBe(true);
    expect(ScopeRule.covers(nonRecursive('write:/w'), rule('read:/w'))).toBe(false);
    expect(ScopeRule.covers(nonRecursive('write:/w'), nonRecursive('read:/w/a'))).toBe(false);
  });
  it('overlap is symmetric and respects non-recursive reach', () => {
    expect(ScopeRule.overlaps(rule('write:/w/a'), rule('write:/w'))).toBe(true);
    expect(ScopeRule.overlaps(rule('write:/w'), rule('write:/w/a'))).toBe(true);
    expect(ScopeRule.overlaps(nonRecursive('write:/w'), rule('write:/w/a'))).toBe(true);
    expect(ScopeRule.overlaps(nonRecursive('write:/w'), rule('write:/w/a/b'))).toBe(false);
    expect(ScopeRule.overlaps(rule('write:/a'), rule('write:/b'))).toBe(false);
  });
  it('parses the CLI shorthand and refuses unknown permissions', () => {
    expect(ScopeRule.parseShorthand('read:/x')).toEqual({ ok: true, value: { target: '/x', permission: 'read', recursive: true } });
    expect(ScopeRule.parseShorthand('admin:/x')).toEqual({ ok: false, error: { type: 'InvalidPermission', permission: 'admin' } });
  });
});

describe('effective scope and delegation', () => {
  const scope = effectiveScope([rule('write:/w'), rule('read:/docs')], [rule('write:/w/lent'), rule('read:/w/shown')]);

  it('withholds write (not read) on what is lent to children', () => {
    expect(permits(scope, rule('write:/w/lent/x'))).toBe(false);
    expect(permits(scope, rule('read:/w/lent/x'))).toBe(true);
    expect(permits(scope, rule('write:/w/shown'))).toBe(true);
    expect(permits(scope, rule('write:/w'))).toBe(false);
  });

  it.each([
    [['read:/w/lent'], undefined],
    [['write:/w/free'], undefined],
    [['write:/w/lent/sub'], 'ScopeWriteConflict'],
    [['read:/etc'], 'ScopeNotWithinCaller'],
    [['write:/docs/a'], 'ScopeNotWithinCaller'],
    [['write:/w/x', 'write:/w/x/y'], 'ScopeWriteConflict'],
    [['read:/w/x', 'read:/w/x'], undefined],
  ] as const)('lending %j → %s', (requested, refusal) => {
    expect(checkDelegation(scope, requested.map(rule))?.type).toBe(refusal);
  });
});

describe('delegationChecker (lent rules indexed once, for ListPods)', () => {
  /** A small deterministic generator, so a failure names its seed. */
  const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pathFrom = (next: () => number) => {
    const depth = Math.floor(next() * 4);
    return `/${Array.from({ length: depth }, () => ['a', 'b', 'ab'][Math.floor(next() * 3)]).join('/')}`;
  };
  const ruleFrom = (next: () => number, permission?: 'read' | 'write') => ({
    ...rule(`${permission ?? (next() < 0.7 ? 'write' : 'read')}:${pathFrom(next)}`),
    recursive: next() < 0.6,
  });

  it('answers every request exactly as checkDelegation does, heldBy included', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const next = random(seed);
      const grants = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ruleFrom(next));
      const lent = Array.from({ length: Math.floor(next() * 12) }, () => ruleFrom(next, 'write'));
      const scope = effectiveScope(grants, lent);
      const check = delegationChecker(scope);
      for (let k = 0; k < 20; k += 1) {
        const requested = Array.from({ length: 1 + Math.floor(next() * 2) }, () => ruleFrom(next));
        expect(check(requested), `seed ${seed}, request ${k}`).toEqual(checkDelegation(scope, requested));
      }
    }
  });

  it('finds the first lent rule that overlaps, whether above, at or below the request', () => {
    const scope = effectiveScope([rule('write:/')], [rule('write:/w/a/deep'), nonRecursive('write:/w'), rule('write:/w/a'), nonRecursive('write:/x/y/z')]);
    const check = delegationChecker(scope);
    expect(check([rule('write:/w/a/deep/er')])).toMatchObject({ heldBy: rule('write:/w/a/deep') });
    expect(check([rule('write:/w/b')])).toMatchObject({ heldBy: nonRecursive('write:/w') });
    expect(check([rule('write:/w/a/other')])).toMatchObject({ heldBy: rule('write:/w/a') });
    expect(check([nonRecursive('write:/x/y')])).toMatchObject({ heldBy: nonRecursive('write:/x/y/z') });
    expect(check([nonRecursive('write:/x')])).toBeUndefined();
    expect(check([rule('write:/x')])).toMatchObject({ heldBy: nonRecursive('write:/x/y/z') });
    expect(check([rule('read:/w')])).toBeUndefined();
  });
});
