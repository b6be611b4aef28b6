import { execFile } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { SandboxProbe } from '../../application/ports/sandbox.js';

const run = promisify(execFile);

export type ProbeOptions = {
  readonly path?: string;
  readonly platform?: NodeJS.Platform;
};

export async function findOnPath(name: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (!dir.startsWith('/')) continue; // a relative entry would depend on the current directory
    const candidate = join(dir, name);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

/** The kernel settings that switch user namespaces off, as read from /proc/sys. */
export type NamespaceSettings = {
  readonly unprivilegedUsernsClone?: string;
  readonly maxUserNamespaces?: string;
  readonly apparmorRestrictsUserns?: string;
};

/** Why bwrap could not make its namespaces, and the setting that fixes it. */
export function namespaceReason(settings: NamespaceSettings, stderr: string): string {
  if (settings.unprivilegedUsernsClone?.trim() === '0') {
    return 'user namespaces are disabled: set sysctl kernel.unprivileged_userns_clone=1';
  }
  if (settings.maxUserNamespaces?.trim() === '0') return 'user namespaces are disabled: set sysctl user.max_user_namespaces=15000';
  if (settings.apparmorRestrictsUserns?.trim() === '1') {
    return 'AppArmor restricts unprivileged user namespaces: set sysctl kernel.apparmor_restrict_unprivileged_userns=0 or give bwrap an AppArmor profile';
  }
  return `bwrap cannot create namespaces here (${firstLine(stderr)}); in a container, allow user namespaces (e.g. docker run --security-opt seccomp=unconfined)`;
}

const firstLine = (text: string) => text.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 200) ?? 'no message';
const sysctl = (name: string) => readFile(`/proc/sys/${name}`, 'utf8').catch(() => undefined);

export async function probeBubblewrap(options: ProbeOptions = {}): Promise<SandboxProbe & { readonly bwrap?: string }> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') {
    return { available: false, reason: `bubblewrap needs Linux and this is ${platform}; use a profile with --sandbox none to run the agent unconfined` };
  }
  const bwrap = await findOnPath('bwrap', options.path ?? process.env['PATH'] ?? '');
  if (!bwrap) return { available: false, reason: 'bwrap is not on PATH: install bubblewrap (apt install bubblewrap)' };
  const trial = ['--unshare-all', '--share-net', '--die-with-parent', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true'];
  try {
    const { stdout } = await run(bwrap, ['--version'], { timeout: 10_000 });
    await run(bwrap, trial, { timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
    return { available: true, label: stdout.trim() || 'bubblewrap', bwrap };
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
    if (/namespace|uid map|Operation not permitted|Permission denied/i.test(stderr)) {
      const [unprivilegedUsernsClone, maxUserNamespaces, apparmorRestrictsUserns] = await Promise.all(
        ['kernel/unprivileged_userns_clone', 'user/max_user_namespaces', 'kernel/apparmor_restrict_unprivileged_userns'].map(sysctl),
      );
      return { available: false, reason: namespaceReason({ ...defined({ unprivilegedUsernsClone, maxUserNamespaces, apparmorRestrictsUserns }) }, stderr) };
    }
    return { available: false, reason: `bwrap does not run here: ${firstLine(stderr)}` };
  }
}

const defined = <T extends Record<string, string | undefined>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
