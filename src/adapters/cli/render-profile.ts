import { maskedValue, withoutUrlPasswords } from '../../domain/secret-mask.js';
import type { AcpProfile, Profile } from '../../domain/profile.js';
import { printable } from '../presentation/printable.js';

/** `pods profile show`: one `field: value` line each, secrets masked. */
export function describeProfile(profile: Profile): readonly string[] {
  if (profile.driver === 'model') return [`name: ${profile.name}`, 'driver: model (the host\'s model: PODS_MODEL_URL, or the built-in one)'];
  const env = Object.entries(maskedEnv(profile)).map(([k, v]) => `${k}=${v}`);
  return [
    `name: ${profile.name}`,
    'driver: acp',
    `command: ${printable(describeCommand(profile))}`,
    `env: ${printable(env.join(' ')) || '(none)'}`,
    `pass-env: ${profile.passEnv.join(' ') || '(none)'}`,
    `idle: ${profile.idleMs} ms, then parked`,
    `sandbox: ${profile.sandbox === 'none' ? 'none: the agent runs unconfined, as you, and can touch anything you can' : profile.sandbox}`,
    `read-only: ${profile.readOnly.join(' ') || '(none)'}`,
    `home files: ${Object.entries(profile.homeFiles).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)'}`,
  ];
}

export const maskedEnv = (profile: AcpProfile): Record<string, string> =>
  Object.fromEntries(Object.entries(profile.env).map(([k, v]) => [k, maskedValue(k, v)]));

export const describeCommand = (profile: AcpProfile): string => withoutUrlPasswords([profile.command, ...profile.args].map(shellWord).join(' '));

const shellWord = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);
