import type { ServiceIdentifier } from 'inversify';
import type { AcpProfile, Profile } from '../../domain/profile.js';
import type { ProfileName } from '../../domain/profile-name.js';

/** Host configuration, not store data: command lines differ per machine. `default` is always there. */
export interface ProfileCatalog {
  /** Every profile, `default` first, then by name; read afresh, since another process may change them. */
  list(): Promise<readonly Profile[]>;
  add(profile: AcpProfile): Promise<'added' | 'exists'>;
  remove(name: ProfileName): Promise<'removed' | 'missing'>;
}
export const PROFILE_CATALOG = Symbol.for('ProfileCatalog') as ServiceIdentifier<ProfileCatalog>;

export async function findProfile(catalog: ProfileCatalog, name: ProfileName): Promise<Profile | undefined> {
  return (await catalog.list()).find((p) => p.name === name);
}

/** The profiles of this host that run their agent with no OS sandbox: every view of their Pods says so. */
export async function unconfinedProfiles(catalog: ProfileCatalog): Promise<ReadonlySet<ProfileName>> {
  return new Set((await catalog.list()).flatMap((p) => (p.driver === 'acp' && p.sandbox === 'none' ? [p.name] : [])));
}
