import { describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import { accessAt, describeGround, type Confinement } from '../../src/domain/confinement.js';
import { effectiveScope } from '../../src/domain/effective-scope.js';
import { decidePermission, describePermissionDecision, locationPath, type PermissionDecision } from '../../src/domain/permission-decision.js';
import { choosePermissionOption } from '../../src/domain/permission-option.js';
import { ScopeRule } from '../../src/domain/scope-rule.js';

const path = (raw: string) => AbsolutePath.unsafe(raw);
const rule = (shorthand: string, recursive = true): ScopeRule => {
  const parsed = ScopeRule.parseShorthand(shorthand);
  if (!parsed.ok) throw new Error(shorthand);
  return { ...parsed.value, recursive };
};

/** A parent with write on /w (lent /w/sub to a child), read on /docs, a non-recursive read on /flat, its store withheld. */
const confinement: Confinement = {
  scope: effectiveScope([rule('write:/w'), rule('read:/docs'), rule('read:/flat', false)], [rule('write:/w/sub')]),
  stateDirectory: path('/home/u/.pods/agents/p'),
  readOnly: [path('/opt/agent')],
  withheld: [path('/w/.pods')],
};
const cwd = path('/w');
const decide = (kind: string | undefined, paths: string[] | undefined, confined = true, isPodsTool = false): PermissionDecision =>
  decidePermission({ kind, locations: paths?.map((p) => ({ path: p })), isPodsTool }, { confinement, confined, cwd });

describe('decidePermission', () => {
  it.each([
    // kind, locations, confined, allowed, decision type
    ['read', ['/w/a.ts'], true, true, 'WithinScope'],
    ['read', ['/docs/x.md', '/w/sub/y'], false, true, 'WithinScope'],
    ['search', ['/docs'], false, true, 'WithinScope'],
    ['read', ['/opt/agent/lib.js'], false, true, 'WithinScope'],
    ['read', ['/flat/f'], false, true, 'WithinScope'],
    ['read', ['/flat/d/deeper'], false, false, 'OutsideScope'],
    ['read', ['/etc/passwd'], true, false, 'OutsideScope'],
    ['read', ['/w/a', '/etc/shadow'], true, false, 'OutsideScope'],
    ['read', ['/w/.pods/data'], true, false, 'OutsideScope'],
    ['search', ['/w'], false, false, 'ReachesBelow'],
    ['search', ['/w'], true, true, 'WithinScope'],
    ['edit', ['/w/a.ts'], false, true, 'WithinScope'],
    ['edit', ['src/a.ts'], false, true, 'WithinScope'],
    ['edit', ['/w/sub/x'], true, false, 'OutsideScope'],
    ['edit', ['/docs/x.md'], true, false, 'OutsideScope'],
    ['edit', ['/home/u/.pods/agents/p/settings.json'], false, true, 'WithinScope'],
    ['delete', ['/w/y'], true, true, 'WithinScope'],
    ['delete', ['/w'], false, false, 'ReachesBelow'],
    ['delete', ['/w'], true, true, 'WithinScope'],
    ['delete', ['/w/sub/x'], true, false, 'OutsideScope'],
    ['move', ['/w/a', '/w/b'], true, true, 'WithinScope'],
    ['move', ['/w/a', '/tmp/b'], true, false, 'OutsideScope'],
    ['edit', ['../etc/passwd'], true, false, 'OutsideScope'],
    ['edit', ['/w/../etc/passwd'], true, false, 'OutsideScope'],
    ['edit', ['/w/sub/../y'], true, true, 'WithinScope'],
    ['edit', ['~/x'], true, false, 'UnreadableLocation'],
    ['edit', ['file:///w/a'], true, false, 'UnreadableLocation'],
    ['edit', ['/w/a\0b'], true, false, 'UnreadableLocation'],
    ['edit', [''], true, false, 'UnreadableLocation'],
    ['execute', undefined, true, true, 'BoundedBySandbox'],
    ['execute', undefined, false, false, 'Unconfined'],
    ['execute', ['/w/a'], false, false, 'Unconfined'],
    ['fetch', undefined, false, false, 'Unconfined'],
    ['think', undefined, true, true, 'BoundedBySandbox'],
    ['edit', [], false, false, 'Unconfined'],
    ['edit', [], true, true, 'BoundedBySandbox'],
    [undefined, undefined, true, true, 'BoundedBySandbox'],
    ['launch_missiles', ['/w/a'], false, false, 'Unconfined'],
    ['__proto__', undefined, false, false, 'Unconfined'],
  ] as const)('%s %j (confined: %s) → allow %s, %s', (kind, paths, confined, allow, type) => {
    const decision = decide(kind, paths ? [...paths] : undefined, confined);
    expect({ allow: decision.allow, type: decision.type }).toEqual({ allow, type });
  });

  it("allows pods' own tools whatever they name, confined or not", () => {
    expect(decide('execute', ['/etc/x'], false, true)).toEqual({ type: 'PodsTool', allow: true });
  });

  it('names the rule that decided, or the missing one, in one line', () => {
    expect(describePermissionDecision(decide('edit', ['/w/sub/x']))).toBe(
      'refused edit: write /w/sub/x is outside the scope (write:/w/sub is lent to a child)',
    );
    expect(describePermissionDecision(decide('read', ['/etc/passwd']))).toBe('refused read: read /etc/passwd is outside the scope (no scope rule covers it)');
    expect(describePermissionDecision(decide('edit', ['/w/a', '/w/b']))).toBe('allowed edit: /w/a (write:/w), /w/b (write:/w)');
    expect(describePermissionDecision(decide('delete', ['/w'], false))).toBe(
      'refused delete: /w contains what this Pod may not write (/w/.pods is withheld from agents)',
    );
    expect(describePermissionDecision(decide('edit', ['/docs/a']))).toBe('refused edit: write /docs/a is outside the scope (read:/docs)');
    expect(describePermissionDecision(decide('execute', undefined, false))).toBe(
      'refused execute: it names no file pods can check, and the agent runs unconfined (no OS sandbox bounds it)',
    );
    expect(describePermissionDecision(decide('edit', ['/etc/a\nb']))).toBe('refused edit: write "/etc/a\\nb" is outside the scope (no scope rule covers it)');
  });

  it('keeps the ground of a read on lent scope', () => {
    expect(describeGround(accessAt(confinement, path('/w/sub/x')).ground)).toBe('write:/w/sub is lent to a child');
  });
});

describe('locationPath', () => {
  it.each([
    ['a/b', '/w/a/b'],
    ['./a//b/', '/w/a/b'],
    ['../../..', '/'],
    ['/x/./y/../z', '/x/z'],
  ])('%s → %s', (raw, expected) => {
    expect(locationPath(raw, cwd)).toEqual({ ok: true, value: expected });
  });
});

describe('choosePermissionOption', () => {
  const options = [
    { optionId: 'always', kind: 'allow_always' },
    { optionId: 'once', kind: 'allow_once' },
    { optionId: 'no', kind: 'reject_once' },
  ];
  it('answers an allow with allow_once and a refusal with reject_once, never an "always"', () => {
    expect(choosePermissionOption(decide('edit', ['/w/a']), options)).toEqual({ outcome: 'selected', optionId: 'once' });
    expect(choosePermissionOption(decide('edit', ['/etc/a']), options)).toEqual({ outcome: 'selected', optionId: 'no' });
    expect(choosePermissionOption(decide('edit', ['/w/a']), [options[0]!])).toEqual({ outcome: 'cancelled' });
  });
});
