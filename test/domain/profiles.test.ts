import { describe, expect, it } from 'vitest';
import { chooseProfile, describeProfileChoiceRefusal } from '../../src/domain/profile-choice.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { describeInvalidProfile, parseAcpProfile } from '../../src/domain/profile.js';
import { maskedValue, redactSecrets, withoutUrlPasswords } from '../../src/domain/secret-mask.js';

const p = ProfileName.unsafe;

describe('SpawnPod profile choice', () => {
  const known = [p('default'), p('claude'), p('codex')];
  it.each([
    [undefined, 'default'],
    ['default', 'default'],
    ['inherit', 'claude'],
    ['codex', 'codex'],
  ])('%s → %s (caller runs claude)', (requested, chosen) => {
    expect(chooseProfile(requested, p('claude'), known)).toEqual({ ok: true, value: chosen });
  });

  it.each(['gemini', '../claude', '/usr/bin/claude', '~/agents/x', '.hidden', ''])('refuses %j with the list this host knows', (requested) => {
    const chosen = chooseProfile(requested, p('claude'), known);
    expect(chosen.ok).toBe(false);
    if (!chosen.ok) {
      expect(describeProfileChoiceRefusal(chosen.error)).toMatch(/^unknown profile .*; this host knows: default, claude, codex \(or `inherit` for your own\)$/);
    }
  });
});

describe('an acp profile', () => {
  it('takes its defaults: no env, the bwrap sandbox, ten idle minutes', () => {
    expect(parseAcpProfile({ name: 'claude', command: 'npx', args: ['@zed-industries/claude-agent-acp'] })).toEqual({
      ok: true,
      value: { name: 'claude', driver: 'acp', command: 'npx', args: ['@zed-industries/claude-agent-acp'], env: {}, passEnv: [], idleMs: 600_000, sandbox: 'bwrap', readOnly: [], homeFiles: {} },
    });
  });

  it.each([
    [{ name: 'default', command: 'x' }, '`default` is reserved'],
    [{ name: 'inherit', command: 'x' }, '`inherit` is reserved'],
    [{ name: 'a/b', command: 'x' }, 'invalid profile name: a/b'],
    [{ name: 'x', command: ' ' }, 'the command must be a non-empty string'],
    [{ name: 'x', command: 'a', env: { 'BAD-NAME': 'v' } }, 'environment variable name BAD-NAME is not valid'],
    [{ name: 'x', command: 'a', passEnv: ['A=B'] }, 'environment variable name A=B is not valid'],
    [{ name: 'x', command: 'a', idleMs: 10 }, 'the idle time must be a whole number'],
    [{ name: 'x', command: 'a', sandbox: 'docker' }, 'sandbox must be `bwrap` or `none`, not docker'],
    [{ name: 'x', command: 'a', readOnly: ['relative'] }, 'read-only path: invalid path relative: must be absolute'],
  ])('refuses %j', (input, problem) => {
    const parsed = parseAcpProfile(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(describeInvalidProfile(parsed.error)).toContain(problem);
  });
});

describe('secrets in what pods shows', () => {
  it.each([
    ['ANTHROPIC_API_KEY', 'sk-ant-123', '••••'],
    ['GITHUB_TOKEN', 'ghp_x', '••••'],
    ['DB_PASSWORD', 'hunter2', '••••'],
    ['ANTHROPIC_BASE_URL', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['PROXY', 'http://user:pw@proxy:3128', 'http://user:••••@proxy:3128'],
  ])('%s=%s shows as %s', (name, value, shown) => {
    expect(maskedValue(name, value)).toBe(shown);
  });

  it('removes each secret value and URL password from a line it did not write', () => {
    expect(redactSecrets('auth failed for key sk-live-abcdef at postgres://pods:s3cret@db/x', ['sk-live-abcdef'])).toBe('auth failed for key •••• at postgres://pods:••••@db/x');
    expect(withoutUrlPasswords('no url here')).toBe('no url here');
  });
});
