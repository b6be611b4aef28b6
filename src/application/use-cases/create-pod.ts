import { inject, injectable } from 'inversify';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import { leaseExpiry, type PodDriver } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import type { PodAlreadyExists } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { PROFILE_CATALOG, type ProfileCatalog } from '../ports/profile-catalog.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import { displayValue } from '../../domain/display.js';

export type CreatePodCommand = {
  readonly name: PodName;
  readonly scope: readonly ScopeRule[];
  /** Its host takes the lease in the same unit of work, so no other host takes the new Pod first. */
  readonly hold?: PodDriver;
  readonly profile?: ProfileName;
};
/** SpawnPod's refusal offers `inherit` (the caller's own profile); the operator has no profile to inherit. */
export type UnknownCreateProfile = { readonly type: 'UnknownProfile'; readonly requested: string; readonly known: readonly ProfileName[] };
export type CreatePodError = PodAlreadyExists | UnknownCreateProfile;

/** For the operator, who sees the whole store (SpawnPod says less: see describeSpawnChildPodError). */
export const describeCreatePodError = (error: CreatePodError): string =>
  error.type === 'PodAlreadyExists'
    ? `a pod named \`${error.name}\` already exists`
    : `unknown profile ${displayValue(error.requested)}; this host knows: ${error.known.join(', ')}`;

@injectable()
export class CreatePod {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(POD_HOST) private readonly host: PodHost,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async execute(command: CreatePodCommand): Promise<Result<Pod, CreatePodError>> {
    const now = this.clock.now();
    const known = await this.profiles.list();
    const profile = known.find((p) => p.name === (command.profile ?? DEFAULT_PROFILE_NAME));
    if (!profile) return err({ type: 'UnknownProfile', requested: command.profile ?? DEFAULT_PROFILE_NAME, known: known.map((p) => p.name) });
    const pod: Pod = {
      name: command.name, scope: command.scope, origin: { type: 'operator' }, createdAt: now,
      ...(profile.name === DEFAULT_PROFILE_NAME ? {} : { profile: profile.name }),
    };
    const added = await this.uow.run(async (repos) => {
      const outcome = await repos.pods.add(pod);
      if (outcome === 'added' && command.hold) {
        const driver = command.hold === 'mcp' ? 'mcp' : profile.driver;
        await repos.leases.tryAcquire(pod.name, this.host.hostId, now, leaseExpiry(now, this.host.leaseTtlMs), driver);
      }
      return outcome;
    });
    return added === 'added' ? ok(pod) : err({ type: 'PodAlreadyExists', name: command.name });
  }
}
