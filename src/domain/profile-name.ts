import type { Brand } from './brand.js';
import { displayValue } from './display.js';
import { err, ok, type Result } from './result.js';

/** How a Pod runs, by name: `default` (the host's model) or a profile in `$PODS_HOME/profiles.json`. */
export type ProfileName = Brand<string, 'ProfileName'>;

export type InvalidProfileName = { readonly type: 'InvalidProfileName'; readonly name: string };

export const PROFILE_NAME_RULE = '1-64 characters from a-z A-Z 0-9 . _ -, starting with a letter or digit';
const PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const DEFAULT_PROFILE_NAME = 'default' as ProfileName;

export const ProfileName = {
  /** A name as a user or a model wrote it; nothing path-like (`/`, `~`, leading `.`) passes. */
  parse(raw: string): Result<ProfileName, InvalidProfileName> {
    return PATTERN.test(raw) ? ok(raw as ProfileName) : err({ type: 'InvalidProfileName', name: raw });
  },
  unsafe(raw: string): ProfileName {
    return raw as ProfileName;
  },
  describe(error: InvalidProfileName): string {
    const what = error.name === '' ? 'the name is empty' : displayValue(error.name);
    return `invalid profile name: ${what} (${PROFILE_NAME_RULE})`;
  },
};
