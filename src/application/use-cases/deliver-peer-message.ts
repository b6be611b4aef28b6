import { inject, injectable } from 'inversify';
import { authorize, type AuthorityRefusal } from '../../domain/authority.js';
import type { MessageBody } from '../../domain/message-body.js';
import { orderedPair } from '../../domain/peer-relation.js';
import { decideAutoRun, describeBreaker } from '../../domain/ping-pong-breaker.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { visibilitySet } from '../../domain/visibility.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.js';
import { POD_HOST, type PodHost } from '../ports/pod-host.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { deliveryFor, type Delivery } from '../turn-outcome.js';

export type DeliverPeerMessageCommand = {
  readonly from: PodName;
  readonly to: PodName;
  readonly body: MessageBody;
  /** Retrying with the same key returns the first message and writes nothing. */
  readonly idempotencyKey?: string;
};
export type DeliverPeerMessageError = AuthorityRefusal;
export type PeerDelivery = Delivery & {
  readonly messageId: string;
  readonly pairSeq: number;
  /** The entry's sequence number in the receiver's history. */
  readonly seq: number;
  readonly duplicate: boolean;
};

/**
 * Tool SendToPeerPod. The authorization check and the append to the receiver's history
 * happen in one unit of work that holds the relation, so a racing `:unpeer` either
 * wins (refused) or loses (delivered), never half.
 */
@injectable()
export class DeliverPeerMessage {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(POD_HOST) private readonly host: PodHost,
  ) {}

  async execute(command: DeliverPeerMessageCommand): Promise<Result<PeerDelivery, DeliverPeerMessageError>> {
    const { from, to, body, idempotencyKey } = command;
    const result = await this.uow.run(async (repos): Promise<Result<PeerDelivery, DeliverPeerMessageError>> => {
      const relation = await repos.relations.lockBetween(orderedPair(from, to));
      const children = await repos.children.listByParents([from]);
      const allowed = authorize(from, 'send_peer', to, visibilitySet(from, children, relation ? [relation] : []));
      if (!allowed.ok) return allowed;
      if (!relation) throw new Error('authorized a peer send without a relation');

      const now = this.clock.now();
      const [lease] = await repos.leases.getMany([to]);
      const delivery = deliveryFor(lease, now);
      if (idempotencyKey !== undefined) {
        const first = await repos.history.findPeerMessageByKey(to, from, idempotencyKey);
        if (first) {
          const { messageId, pairSeq, seq } = first;
          return ok({ messageId, pairSeq, seq, deliveredTo: delivery.deliveredTo, turn: 'none', duplicate: true });
        }
      }
      const pairSeq = relation.lastPairSeq + 1;
      const messageId = this.ids.next('msg');
      const entry = await repos.history.append(
        to,
        { kind: 'peer_message', from, relationId: relation.id, messageId, pairSeq, body, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
        now,
      );
      let { turn } = delivery;
      let autoTurns = relation.autoTurns;
      // An external agent's next action counts like a turn: two agents answering each other stop the same way.
      if (turn === 'started' || turn === 'to_agent') {
        const decision = decideAutoRun(relation.autoTurns);
        if (decision.run) autoTurns += 1;
        else {
          turn = 'withheld';
          const text = describeBreaker(from, to, decision.autoTurns);
          // seenThrough marks the message as dealt with, so no host starts a turn for it alone.
          await repos.history.append(to, { kind: 'notice', code: 'ping_pong_breaker', text, seenThrough: entry.seq }, now);
        }
      }
      await repos.relations.saveCounters({ a: relation.a, b: relation.b, lastPairSeq: pairSeq, autoTurns });
      return ok({ messageId, pairSeq, seq: entry.seq, deliveredTo: delivery.deliveredTo, turn, duplicate: false });
    });
    if (result.ok && !result.value.duplicate && (result.value.turn === 'started' || result.value.turn === 'joins_running_turn')) {
      this.host.wake(to, 'peer_message');
    }
    return result;
  }
}
