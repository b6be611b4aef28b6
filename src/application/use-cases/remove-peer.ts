import { inject, injectable } from 'inversify';
import { orderedPair, type PeerRelation } from '../../domain/peer-relation.js';
import { describeUnpeeringRefusal, type UnpeeringRefusal } from '../../domain/peering.js';
import { err, ok, type Result } from '../../domain/result.js';
import { describePodNotFound, podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import type { PeerCommand } from './initiate-peer-handshake.js';

export type RemovePeerError = PodNotFound | UnpeeringRefusal;

/** The one wording of a refused `:unpeer` / `pods unpeer`; each surface adds only its prefix. */
export const describeRemovePeerError = (error: RemovePeerError): string =>
  error.type === 'PodNotFound' ? describePodNotFound(error) : describeUnpeeringRefusal(error);

@injectable()
export class RemovePeer {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: PeerCommand): Promise<Result<PeerRelation, RemovePeerError>> {
    const { from, to, via } = command;
    return this.uow.run(async (repos): Promise<Result<PeerRelation, RemovePeerError>> => {
      for (const name of [from, to]) if (!(await repos.pods.get(name))) return err(podNotFound(name));
      // Locking first makes a racing delivery either finish before the removal or see no relation.
      if (!(await repos.relations.lockBetween(orderedPair(from, to)))) return err({ type: 'NotPeers', from, to });
      const removed = await repos.relations.remove(orderedPair(from, to));
      if (!removed) return err({ type: 'NotPeers', from, to });
      const at = this.clock.now();
      for (const [pod, counterpart] of [[from, to], [to, from]] as const) {
        await repos.audit.record({
          id: this.ids.next('aud'), pod, at, action: 'peer_removed', relationId: removed.id, counterpart, initiatedFrom: from, via,
        });
      }
      return ok(removed);
    });
  }
}
