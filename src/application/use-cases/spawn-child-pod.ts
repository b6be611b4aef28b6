import { inject, injectable } from 'inversify';
import { lendingRefusal, type DelegationRefusal } from '../../domain/effective-scope.js';
import type { MessageBody } from '../../domain/message-body.js';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import { podNotFound, type PodAlreadyExists, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

export type SpawnChildPodCommand = {
  readonly caller: PodName;
  readonly name: PodName;
  readonly scope: readonly ScopeRule[];
  readonly task: MessageBody;
};
export type SpawnChildPodError =
  | PodNotFound
  | PodAlreadyExists
  | { readonly type: 'SpawnNameIsCaller'; readonly name: PodName }
  | DelegationRefusal;
export type SpawnedChild = { readonly name: PodName; readonly scope: readonly ScopeRule[]; readonly taskSeq: number };

/**
 * Tool SpawnPod: a new child that owes its scope to the caller. The caller loses write on
 * what it lends until the child is stopped; the child starts a turn with `task`.
 */
@injectable()
export class SpawnChildPod {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(POD_HOST) private readonly host: PodHost,
  ) {}

  async execute(command: SpawnChildPodCommand): Promise<Result<SpawnedChild, SpawnChildPodError>> {
    const { caller, name, scope, task } = command;
    if (name === caller) return err({ type: 'SpawnNameIsCaller', name });
    const now = this.clock.now();
    const result = await this.uow.run(async (repos): Promise<Result<SpawnedChild, SpawnChildPodError>> => {
      const parent = await repos.pods.get(caller);
      if (!parent) return err(podNotFound(caller));
      const children = await repos.children.listByParents([caller]);
      const refusal = lendingRefusal(parent.scope, children, scope);
      if (refusal) return err(refusal);

      // The insert is the first write and the uniqueness check in one step.
      const child: Pod = { name, scope, origin: { type: 'spawned', parent: caller }, createdAt: now };
      if ((await repos.pods.add(child)) === 'exists') return err({ type: 'PodAlreadyExists', name });
      await repos.children.add({ parent: caller, child: name, scope, state: 'outstanding', spawnedAt: now, outputCursor: 0 });
      const entry = await repos.history.append(name, { kind: 'user_input', text: task, origin: { type: 'parent', parent: caller } }, now);
      const expiresAt = new Date(now.getTime() + this.host.leaseTtlMs);
      await repos.leases.tryAcquire(name, this.host.hostId, now, expiresAt);
      return ok({ name, scope, taskSeq: entry.seq });
    });
    if (result.ok) {
      this.host.adopt(name);
      this.host.wake(name, 'user_input');
    }
    return result;
  }
}
