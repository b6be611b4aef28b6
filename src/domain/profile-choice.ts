import { displayValue } from './display.js';
import { DEFAULT_PROFILE_NAME, ProfileName } from './profile-name.js';
import { INHERIT } from './profile.js';
import { err, ok, type Result } from './result.js';

export type ProfileChoiceRefusal = {
  readonly type: 'UnknownProfile';
  readonly requested: string;
  readonly known: readonly ProfileName[];
};

/** Anything else is refused: the child runs where its parent runs, so this host must be able to run it. */
export function chooseProfile(
  requested: string | undefined,
  callerProfile: ProfileName,
  known: readonly ProfileName[],
): Result<ProfileName, ProfileChoiceRefusal> {
  if (requested === undefined || requested === DEFAULT_PROFILE_NAME) return ok(DEFAULT_PROFILE_NAME);
  if (requested === INHERIT) return ok(callerProfile);
  const name = ProfileName.parse(requested);
  if (name.ok && known.includes(name.value)) return ok(name.value);
  return err({ type: 'UnknownProfile', requested, known: [DEFAULT_PROFILE_NAME, ...known.filter((k) => k !== DEFAULT_PROFILE_NAME)] });
}

export function describeProfileChoiceRefusal(refusal: ProfileChoiceRefusal): string {
  return `unknown profile ${displayValue(refusal.requested)}; this host knows: ${refusal.known.join(', ')} (or \`${INHERIT}\` for your own)`;
}
