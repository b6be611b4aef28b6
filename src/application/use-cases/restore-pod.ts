import { inject, injectable } from 'inversify';
import { authorize, describeRefusal, type AuthorityRefusal } from '../../domain/authority.js';
import { describeDelegationRefusal, lendingRefusal, type DelegationRefusal } from '../../domain/effective-scope.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive, leaseExpiry } from '../../domain/pod-status.js';
import { stoppedByParent, type StoppedByParent } from '../../domain/child-ownership.js';
import { describeAttachRefusal, profileToRun, type ProfileUnknown } from '../host/attach-refusal.js';
import { PROFILE_CATALOG, type ProfileCatalog } from '../ports/profile-catalog.js';
import { err, ok, type Result } from '../../domain/result.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { visibleFrom } from '../visible-from.js';

export type RestorePodCommand = { readonly caller: PodName; readonly name: PodName };
export type RestorePodError = AuthorityRefusal | DelegationRefusal | StoppedByParent | ProfileUnknown;

export function describeRestorePodError(command: RestorePodCommand, error: RestorePodError): string {
  switch (error.type) {
    case 'ScopeNotWithinCaller':
    case 'ScopeWriteConflict':
      return `pod \`${command.name}\` cannot be restored: ${describeDelegationRefusal(command.caller, error)}`;
    case 'StoppedByParent':
    case 'ProfileUnknown':
      return describeAttachRefusal(error);
    default:
      return describeRefusal(error);
  }
}
export type Restored = { readonly action: 'restored' | 'already_live'; readonly name: PodName; readonly hostId: string };

/** A live Pod is left alone; a restored child keeps its parent and borrows its scope again; it runs with its own profile's driver. */
@injectable()
export class RestorePod {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(POD_HOST) private readonly host: PodHost,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async execute(command: RestorePodCommand): Promise<Result<Restored, RestorePodError>> {
    const { caller, name } = command;
    const profiles = await this.profiles.list();
    const result = await this.uow.run(async (repos): Promise<Result<Restored, RestorePodError>> => {
      const visible = await visibleFrom(repos, caller);
      const allowed = authorize(caller, 'restore', name, visible);
      if (!allowed.ok) return allowed;
      const now = this.clock.now();
      const [lease] = await repos.leases.getMany([name]);
      if (isLive(lease, now)) return ok({ action: 'already_live', name, hostId: lease.hostId });

      const target = allowed.value;
      if (target.reason === 'peer') {
        const stopped = stoppedByParent(await repos.children.findByChild(name), caller);
        if (stopped) return err(stopped);
      }
      const profile = profileToRun(profiles, name, (await repos.pods.get(name))?.profile);
      if (!profile.ok) return profile;
      if (target.reason === 'spawned_child' && target.child.state === 'stopped') {
        const self = await repos.pods.lock(caller);
        if (!self) throw new Error(`calling pod \`${caller}\` does not exist`);
        // Its children read again under the lock: what `visible` saw may have been lent on since.
        const refusal = lendingRefusal(self.scope, await repos.children.listByParents([caller]), target.child.scope);
        if (refusal) return err(refusal);
      }
      const taken = await repos.leases.tryAcquire(name, this.host.hostId, now, leaseExpiry(now, this.host.leaseTtlMs), profile.value.driver);
      if (!taken.acquired) return ok({ action: 'already_live', name, hostId: taken.heldBy.hostId });
      if (target.reason === 'spawned_child' && target.child.state === 'stopped') {
        const { stoppedAt: _returned, ...ownership } = target.child;
        await repos.children.update({ ...ownership, state: 'outstanding' });
      }
      return ok({ action: 'restored', name, hostId: this.host.hostId });
    });
    return result;
  }
}
