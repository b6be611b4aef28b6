import { inject, injectable } from 'inversify';
import { authorize, type AuthorityRefusal } from '../../domain/authority.js';
import type { PodName } from '../../domain/pod-name.js';
import { ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { visibleFrom } from '../visible-from.js';

export type StopChildCommand = { readonly caller: PodName; readonly name: PodName };
export type StoppedChild = { readonly action: 'stopped' | 'already_stopped'; readonly reclaimed: readonly ScopeRule[] };

/** The child stays visible to its parent as stopped, and restorable. */
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
      const ownership = await repos.children.findByChild(name);
      if (!ownership) throw new Error(`child \`${name}\` is visible but has no ownership edge`);
      if (ownership.state === 'stopped') return ok({ action: 'already_stopped', reclaimed: [] });
      await repos.children.update({ ...ownership, state: 'stopped', stoppedAt: this.clock.now() });
      await repos.leases.revoke(name);
      return ok({ action: 'stopped', reclaimed: ownership.scope });
    });
    return result;
  }
}
