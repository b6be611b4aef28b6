import { describe, expect, it } from 'vitest';
import { namespaceReason } from '../../src/adapters/sandbox/bubblewrap-probe.js';
import { BubblewrapSandbox } from '../../src/adapters/sandbox/bubblewrap-sandbox.js';
import { UNCONFINED_MEANS, UnconfinedSandbox } from '../../src/adapters/sandbox/unconfined-sandbox.js';
import { describeConfineRefusal } from '../../src/application/ports/sandbox.js';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import type { Confinement } from '../../src/domain/confinement.js';
import { effectiveScope } from '../../src/domain/effective-scope.js';

const confinement: Confinement = { scope: effectiveScope([], []), readOnly: [], withheld: [AbsolutePath.unsafe('/home/u/.pods')] };

describe('where no sandbox is available, one line says why and how to fix it', () => {
  it('bwrap not on PATH', async () => {
    const hidden = new BubblewrapSandbox({ path: '/nowhere:relative/dir' });
    expect(await hidden.probe()).toEqual({ available: false, reason: 'bwrap is not on PATH: install bubblewrap (apt install bubblewrap)' });
    const refused = await hidden.confine({ file: 'sh', args: [], env: {}, cwd: '/' }, confinement);
    expect(refused.ok || describeConfineRefusal(refused.error)).toBe('no sandbox: bwrap is not on PATH: install bubblewrap (apt install bubblewrap)');
  });

  it('not Linux', async () => {
    expect(await new BubblewrapSandbox({ platform: 'darwin' }).probe()).toEqual({
      available: false,
      reason: 'bubblewrap needs Linux and this is darwin; use a profile with --sandbox none to run the agent unconfined',
    });
  });

  it.each([
    [{ unprivilegedUsernsClone: '0\n' }, 'user namespaces are disabled: set sysctl kernel.unprivileged_userns_clone=1'],
    [{ unprivilegedUsernsClone: '1', maxUserNamespaces: '0' }, 'user namespaces are disabled: set sysctl user.max_user_namespaces=15000'],
    [{ apparmorRestrictsUserns: '1' }, expect.stringMatching(/^AppArmor restricts unprivileged user namespaces: set sysctl kernel.apparmor_restrict_unprivileged_userns=0/)],
    [{}, expect.stringMatching(/^bwrap cannot create namespaces here \(bwrap: No permissions to create new namespace\); in a container/)],
  ])('user namespaces unavailable (%j)', (settings, reason) => {
    expect(namespaceReason(settings, '\nbwrap: No permissions to create new namespace\nmore')).toEqual(reason);
  });
});

describe('--sandbox none', () => {
  it('runs the launch as given and says what unconfined means', async () => {
    const box = new UnconfinedSandbox();
    expect(await box.probe()).toEqual({ available: true, label: 'unconfined' });
    const launch = { file: 'agent', args: ['acp'], env: { K: 'v' }, cwd: '/w' };
    const r = await box.confine(launch, confinement);
    expect(r).toMatchObject({ ok: true, value: { launch: { ...launch, extraFds: [] }, confined: false, plan: { mounts: [], limits: [UNCONFINED_MEANS] } } });
    expect(UNCONFINED_MEANS).toMatch(/^unconfined: .*can run pods itself and act as any Pod/);
  });
});
