import { inject, injectable } from 'inversify';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import type { PodDriver } from '../../domain/pod-status.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import type { PodAlreadyExists } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

export type CreatePodCommand = {
  readonly name: PodName;
  readonly scope: readonly ScopeRule[];
  /**
   * The creating process is about to attach the Pod (the TUI, `pods mcp --create`): its host
   * takes the lease, driven this way, in the same unit of work, so no other host (a
   * following `pods serve`) can take the new Pod first. The caller then attaches it as usual.
   */
  readonly hold?: PodDriver;
};
export type CreatePodError = PodAlreadyExists;

/** Operator: a new top-level Pod with an empty history. */
@injectable()
export class CreatePod {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(POD_HOST) private readonly host: PodHost,
  ) {}

  async execute(command: CreatePodCommand): Promise<Result<Pod, CreatePodError>> {
    const now = this.clock.now();
    const pod: Pod = { name: command.name, scope: command.scope, origin: { type: 'operator' }, createdAt: now };
    const added = await this.uow.run(async (repos) => {
      const outcome = await repos.pods.add(pod);
      if (outcome === 'added' && command.hold) {
        await repos.leases.tryAcquire(pod.name, this.host.hostId, now, new Date(now.getTime() + this.host.leaseTtlMs), command.hold);
      }
      return outcome;
    });
    return added === 'added' ? ok(pod) : err({ type: 'PodAlreadyExists', name: command.name });
  }
}
