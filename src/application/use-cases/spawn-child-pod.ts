import { inject, injectable } from 'inversify';
import { describeStoppedByParent, stoppedByParent, type StoppedByParent } from '../../domain/child-ownership.js';
import { leaseExpiry } from '../../domain/pod-status.js';
import { describeDelegationRefusal, lendingRefusal, type DelegationRefusal } from '../../domain/effective-scope.js';
import type { MessageBody } from '../../domain/message-body.js';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import { describePodNotFound, podNotFound, type PodAlreadyExists, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { PROFILE_CATALOG, type ProfileCatalog } from '../ports/profile-catalog.js';
import { DEFAULT_PROFILE_NAME, type ProfileName } from '../../domain/profile-name.js';
import { chooseProfile, describeProfileChoiceRefusal, type ProfileChoiceRefusal } from '../../domain/profile-choice.js';

export type SpawnChildPodCommand = {
  readonly caller: PodName;
  readonly name: PodName;
  readonly scope: readonly ScopeRule[];
  readonly task: MessageBody;
  /** SpawnPod's `profile` as the model wrote it: absent or `default`, `inherit`, or a profile this host knows. */
  readonly profile?: string;
};
export type SpawnChildPodError =
  | PodNotFound
  | PodAlreadyExists
  | { readonly type: 'SpawnNameIsCaller'; readonly name: PodName }
  | DelegationRefusal
  | StoppedByParent
  | ProfileChoiceRefusal;

export function describeSpawnChildPodError(caller: PodName, error: SpawnChildPodError): string {
  switch (error.type) {
    case 'PodNotFound':
      return describePodNotFound(error);
    case 'PodAlreadyExists':
      // Names are unique store-wide, so a taken name must be refused; saying no more than
      // "not available" keeps SpawnPod from describing Pods the caller cannot see.
      return `pod name \`${error.name}\` is not available; choose another name`;
    case 'SpawnNameIsCaller':
      return `spawned pod name \`${error.name}\` collides with the spawner's own name`;
    case 'ScopeNotWithinCaller':
    case 'ScopeWriteConflict':
      return describeDelegationRefusal(caller, error);
    case 'UnknownProfile':
      return describeProfileChoiceRefusal(error);
    case 'StoppedByParent':
      return describeStoppedByParent(error);
  }
}

export type SpawnedChild = { readonly name: PodName; readonly scope: readonly ScopeRule[]; readonly taskSeq: number; readonly profile: ProfileName };

/** The caller loses write on what it lends until the child is stopped; the child starts a turn with `task`. */
@injectable()
export class SpawnChildPod {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(POD_HOST) private readonly host: PodHost,
    @inject(PROFILE_CATALOG) private readonly profiles: ProfileCatalog,
  ) {}

  async execute(command: SpawnChildPodCommand): Promise<Result<SpawnedChild, SpawnChildPodError>> {
    const { caller, name, scope, task } = command;
    if (name === caller) return err({ type: 'SpawnNameIsCaller', name });
    const now = this.clock.now();
    const known = await this.profiles.list();
    const result = await this.uow.run(async (repos): Promise<Result<SpawnedChild, SpawnChildPodError>> => {
      const parent = await repos.pods.lock(caller);
      if (!parent) return err(podNotFound(caller));
      // A turn still running when its parent stopped it lends nothing more: what it holds went back.
      const stopped = stoppedByParent(await repos.children.findByChild(caller));
      if (stopped) return err(stopped);
      const chosen = chooseProfile(command.profile, parent.profile ?? DEFAULT_PROFILE_NAME, known.map((p) => p.name));
      if (!chosen.ok) return chosen;
      const profile = known.find((p) => p.name === chosen.value);
      if (!profile) return err({ type: 'UnknownProfile', requested: chosen.value, known: known.map((p) => p.name) });
      const children = await repos.children.listByParents([caller]);
      const refusal = lendingRefusal(parent.scope, children, scope);
      if (refusal) return err(refusal);

      // The insert is the first write and the uniqueness check in one step.
      const child: Pod = {
        name, scope, origin: { type: 'spawned', parent: caller }, createdAt: now,
        ...(profile.name === DEFAULT_PROFILE_NAME ? {} : { profile: profile.name }),
      };
      if ((await repos.pods.add(child)) === 'exists') return err({ type: 'PodAlreadyExists', name });
      await repos.children.add({ parent: caller, child: name, scope, state: 'outstanding', spawnedAt: now, outputCursor: 0 });
      const entry = await repos.history.append(name, { kind: 'user_input', text: task, origin: { type: 'parent', parent: caller } }, now);
      // Taken for this host: once committed, the event stream tells its runtime to run the child.
      await repos.leases.tryAcquire(name, this.host.hostId, now, leaseExpiry(now, this.host.leaseTtlMs), profile.driver);
      return ok({ name, scope, taskSeq: entry.seq, profile: profile.name });
    });
    return result;
  }
}
