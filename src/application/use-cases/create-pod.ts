import { inject, injectable } from 'inversify';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import type { PodAlreadyExists } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

export type CreatePodCommand = { readonly name: PodName; readonly scope: readonly ScopeRule[] };
export type CreatePodError = PodAlreadyExists;

/** Operator: a new top-level Pod with an empty history. */
@injectable()
export class CreatePod {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: CreatePodCommand): Promise<Result<Pod, CreatePodError>> {
    const pod: Pod = { name: command.name, scope: command.scope, origin: { type: 'operator' }, createdAt: this.clock.now() };
    const added = await this.uow.run((repos) => repos.pods.add(pod));
    return added === 'added' ? ok(pod) : err({ type: 'PodAlreadyExists', name: command.name });
  }
}
