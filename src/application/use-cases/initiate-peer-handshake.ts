import { inject, injectable } from 'inversify';
import type { AuditRecord } from '../../domain/audit-record.js';
import { orderedPair, type PeerRelation } from '../../domain/peer-relation.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

export type PeerCommand = {
  /** The Pod the operator is attached to. */
  readonly from: PodName;
  readonly to: PodName;
  /** The operator surface, for the audit trail: `tui`, `cli`. */
  readonly via: string;
};
export type InitiatePeerHandshakeError =
  | PodNotFound
  | { readonly type: 'SelfPeer'; readonly name: PodName }
  | { readonly type: 'ParentChildPair'; readonly parent: PodName; readonly child: PodName };
export type HandshakeOutcome = { readonly status: 'peered' | 'already_peers'; readonly relation: PeerRelation };

/**
 * Operator `:peer`: one reciprocal relation, written with an audit record for both Pods
 * in one transaction. No model-visible history is written and no model is contacted.
 */
@injectable()
export class InitiatePeerHandshake {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: PeerCommand): Promise<Result<HandshakeOutcome, InitiatePeerHandshakeError>> {
    const { from, to, via } = command;
    if (from === to) return err({ type: 'SelfPeer', name: from });
    return this.uow.run(async (repos): Promise<Result<HandshakeOutcome, InitiatePeerHandshakeError>> => {
      for (const name of [from, to]) if (!(await repos.pods.get(name))) return err(podNotFound(name));
      const [parentOfTo, parentOfFrom] = await Promise.all([repos.children.findByChild(to), repos.children.findByChild(from)]);
      if (parentOfTo?.parent === from) return err({ type: 'ParentChildPair', parent: from, child: to });
      if (parentOfFrom?.parent === to) return err({ type: 'ParentChildPair', parent: to, child: from });

      const pair = orderedPair(from, to);
      const existing = await repos.relations.lockBetween(pair);
      if (existing) return ok({ status: 'already_peers', relation: existing });
      const now = this.clock.now();
      const relation: PeerRelation = {
        id: this.ids.next('rel'), ...pair, since: now, initiatedFrom: from,
        auditId: this.ids.next('aud'), lastPairSeq: 0, autoTurns: 0,
      };
      // A concurrent identical handshake may have won since the read: it made the one row.
      if ((await repos.relations.addIfAbsent(relation)) === 'exists') {
        const winner = await repos.relations.lockBetween(pair);
        if (!winner) throw new Error(`peer relation ${pair.a}/${pair.b} vanished while being created`);
        return ok({ status: 'already_peers', relation: winner });
      }
      for (const [pod, counterpart, id] of [[from, to, relation.auditId], [to, from, this.ids.next('aud')]] as const) {
        const record: AuditRecord = { id, pod, at: now, action: 'peer_added', relationId: relation.id, counterpart, initiatedFrom: from, via };
        await repos.audit.record(record);
      }
      return ok({ status: 'peered', relation });
    });
  }
}
