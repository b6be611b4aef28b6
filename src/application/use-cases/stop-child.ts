import { inject, injectable } from 'inversify';
import { authorize, type AuthorityRefusal } from '../../domain/authority.js';
import type { ChildOwnership } from '../../domain/child-ownership.js';
import type { PodName } from '../../domain/pod-name.js';
import { ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { visibleFrom } from '../visible-from.js';

export type StopChildCommand = { readonly caller: PodName; readonly name: PodName };
export type StoppedChild = {
  readonly action: 'stopped' | 'already_stopped';
  readonly reclaimed: readonly ScopeRule[];
  /** The child's own children, theirs, …, that were outstanding: stopped with it, their scope back with their parents. */
  readonly alsoStopped: readonly PodName[];
};

/**
 * The child stays visible to its parent as stopped, and restorable. What it lent on is part of
 * what the parent takes back, so its outstanding descendants stop with it: none keeps writing
 * where the parent may lend again.
 */
@injectable()
export class StopChild {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: StopChildCommand): Promise<Result<StoppedChild, AuthorityRefusal>> {
    const { caller, name } = command;
    const result = await this.uow.run(async (repos): Promise<Result<StoppedChild, AuthorityRefusal>> => {
      const allowed = authorize(caller, 'stop', name, await visibleFrom(repos, caller));
      if (!allowed.ok) return allowed;
      // The child first, then its edge: the order a SpawnPod of its own takes them in.
      await repos.pods.lock(name);
      const ownership = await repos.children.findByChild(name);
      if (!ownership) throw new Error(`child \`${name}\` is visible but has no ownership edge`);
      if (ownership.state === 'stopped') {
        // Stopped already, so it should not be live; should an older version have let it run, it stops now.
        await repos.leases.revoke(name);
        return ok({ action: 'already_stopped', reclaimed: [], alsoStopped: [] });
      }
      const now = this.clock.now();
      const below: ChildOwnership[] = [];
      // Top down, as every stop locks edges, so two stops in one tree never wait on each other in a circle;
      // a child has one parent, so the walk meets each once.
      for (let parents = [name]; parents.length > 0; ) {
        const outstanding = (await repos.children.listByParents(parents)).filter((edge) => edge.state === 'outstanding');
        below.push(...outstanding);
        parents = outstanding.map((edge) => edge.child);
        // Held before their children are read: none of them lends on while this stop goes down the tree.
        for (const pod of parents) await repos.pods.lock(pod);
      }
      for (const edge of [ownership, ...below]) {
        await repos.children.update({ ...edge, state: 'stopped', stoppedAt: now });
        await repos.leases.revoke(edge.child);
      }
      return ok({ action: 'stopped', reclaimed: ownership.scope, alsoStopped: below.map((edge) => edge.child) });
    });
    return result;
  }
}
