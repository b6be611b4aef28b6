import { inject, injectable } from 'inversify';
import { orderedPair } from '../../domain/peer-relation.js';
import type { PodName } from '../../domain/pod-name.js';
import { isLive } from '../../domain/pod-status.js';
import { describeRemovalRefusal, mayRemovePod, type RemovalRefusal } from '../../domain/pod-removal.js';
import { err, ok, type Result } from '../../domain/result.js';
import { describePodNotFound, podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.js';
import type { RemovedPod } from '../ports/pod-archive.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

export type RemovePodCommand = {
  readonly name: PodName;
  /** Remove its peer relations with it (each audited for the peer, as `:unpeer` does). */
  readonly force: boolean;
  readonly via: string;
};

export type RemovePodError = PodNotFound | RemovalRefusal;

export const describeRemovePodError = (error: RemovePodError): string =>
  error.type === 'PodNotFound' ? describePodNotFound(error) : describeRemovalRefusal(error);

export type PodRemoved = { readonly removed: RemovedPod; readonly unpeered: readonly PodName[] };

/** One unit of work: either the Pod is gone with its relations, or nothing changed. Its history stays in the archive. */
@injectable()
export class RemovePod {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: RemovePodCommand): Promise<Result<PodRemoved, RemovePodError>> {
    const { name, force, via } = command;
    return this.uow.run(async (repos): Promise<Result<PodRemoved, RemovePodError>> => {
      if (!(await repos.pods.get(name))) return err(podNotFound(name));
      const at = this.clock.now();
      const [lease] = await repos.leases.getMany([name]);
      const relations = await repos.relations.listFor(name);
      const peers = relations.map((r) => (r.a === name ? r.b : r.a));
      const refusal = mayRemovePod({
        pod: name,
        live: isLive(lease, at) ? lease : undefined,
        ownership: await repos.children.findByChild(name),
        children: await repos.children.listByParents([name]),
        peers,
        force,
      });
      if (refusal) return err(refusal);
      for (const peer of peers) {
        // Locked first, as `:unpeer` does: a delivery racing the removal finishes before it or sees no relation.
        await repos.relations.lockBetween(orderedPair(name, peer));
        const removed = await repos.relations.remove(orderedPair(name, peer));
        if (!removed) continue;
        await repos.audit.record({ id: this.ids.next('aud'), pod: peer, at, action: 'peer_removed', relationId: removed.id, counterpart: name, initiatedFrom: name, via });
      }
      const removed = await repos.archive.archive(name, { id: this.ids.next('rmv'), at });
      return ok({ removed, unpeered: peers });
    });
  }
}
