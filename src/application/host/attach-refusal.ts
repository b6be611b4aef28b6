import { describeStoppedByParent, type StoppedByParent } from '../../domain/child-ownership.js';
import type { Lease, PodDriver } from '../../domain/pod-status.js';
import type { PodName } from '../../domain/pod-name.js';
import type { Profile } from '../../domain/profile.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { HostEvent } from '../ports/live-events.js';

export type AttachRefusal =
  | { readonly type: 'Held'; readonly heldBy: Lease }
  | ProfileUnknown
  | StoppedByParent;

export type ProfileUnknown = { readonly type: 'ProfileUnknown'; readonly pod: PodName; readonly profile: ProfileName; readonly known: readonly ProfileName[] };

/** The profile a host runs `pod` with: the one it names (`default` when none), refused when this host lacks it. */
export function profileToRun(profiles: readonly Profile[], pod: PodName, named: ProfileName | undefined): Result<Profile, ProfileUnknown> {
  const wanted = named ?? DEFAULT_PROFILE_NAME;
  const profile = profiles.find((p) => p.name === wanted);
  return profile ? ok(profile) : err({ type: 'ProfileUnknown', pod, profile: wanted, known: profiles.map((p) => p.name) });
}

export type AttachOptions = {
  /** `mcp`: an external agent is the Pod's model; the host only holds and renews the lease. */
  readonly driver?: PodDriver;
};

export function describeLeaseLost(event: Extract<HostEvent, { type: 'lease_lost' }>): string {
  return event.holder
    ? `\`${event.pod}\` no longer runs here: host ${event.holder} took its lease`
    : `\`${event.pod}\` no longer runs here: its lease was ended elsewhere (its parent stopped it, or an operator's host released it)`;
}

export function describeAttachRefusal(refusal: AttachRefusal): string {
  switch (refusal.type) {
    case 'Held':
      return `pod \`${refusal.heldBy.pod}\` is live on ${refusal.heldBy.hostId} (lease until ${refusal.heldBy.expiresAt.toISOString()})`;
    case 'StoppedByParent':
      return describeStoppedByParent(refusal);
    case 'ProfileUnknown':
      return `pod \`${refusal.pod}\` runs with profile \`${refusal.profile}\`, which this host does not have (it has: ${refusal.known.join(', ')}); ` +
        `add it with \`pods profile add ${refusal.profile} --acp -- COMMAND…\`, or run the Pod on a host that has it`;
  }
}
