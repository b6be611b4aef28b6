import type { ProfileCatalog } from '../../application/ports/profile-catalog.js';
import { DEFAULT_PROFILE, type AcpProfile, type Profile } from '../../domain/profile.js';
import type { ProfileName } from '../../domain/profile-name.js';

/** Profiles held in the process: tests, and hosts given their profiles in code. */
export class InMemoryProfileCatalog implements ProfileCatalog {
  private readonly byName = new Map<string, AcpProfile>();

  constructor(profiles: readonly AcpProfile[] = []) {
    for (const profile of profiles) this.byName.set(profile.name, structuredClone(profile));
  }

  async list(): Promise<readonly Profile[]> {
    return [DEFAULT_PROFILE, ...[...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))];
  }

  async add(profile: AcpProfile): Promise<'added' | 'exists'> {
    if (profile.name === DEFAULT_PROFILE.name || this.byName.has(profile.name)) return 'exists';
    this.byName.set(profile.name, structuredClone(profile));
    return 'added';
  }

  async remove(name: ProfileName): Promise<'removed' | 'missing'> {
    return this.byName.delete(name) ? 'removed' : 'missing';
  }
}
