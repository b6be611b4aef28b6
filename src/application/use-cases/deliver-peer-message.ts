import { inject, injectable } from 'inversify';
import { authorize, type AuthorityRefusal } from '../../domain/authority.js';
import type { MessageBody } from '../../domain/message-body.js';
import { decideAutoRun, describeBreaker } from '../../domain/ping-pong-breaker.js';
import type { PodName } from '../../domain/pod-name.js';
import { ok, type Result } from '../../domain/result.js';
import { visibilitySet } from '../../domain/visibility.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.js';
import type { PeerMessageWrite } from '../ports/peer-delivery-repository.js';
import { UNIT_OF_WORK, type Repositories, type UnitOfWork } from '../ports/unit-of-work.js';
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
  readonly seq: number;
  readonly duplicate: boolean;
};

/** Optimistic attempts before a delivery takes its relation's lock: only a pair with sends racing each other retries. */
const OPTIMISTIC_ATTEMPTS = 8;
const LOCKED_ATTEMPTS = 3;
const STALE = Symbol('stale');
type Attempt = Result<PeerDelivery, DeliverPeerMessageError> | typeof STALE;
/** The write checks the facts still hold, so a racing `:unpeer` wins or loses, never half; after OPTIMISTIC_ATTEMPTS, locked. */
@injectable()
export class DeliverPeerMessage {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: DeliverPeerMessageCommand): Promise<Result<PeerDelivery, DeliverPeerMessageError>> {
    let result: Attempt = STALE;
    for (let attempt = 1; result === STALE && attempt <= OPTIMISTIC_ATTEMPTS; attempt += 1) {
      result = await this.uow.run((repos) => this.attempt(repos, command, false), { callByCall: true });
    }
    // Holding the relation, only a change of the receiver's lease between two statements can make it stale.
    for (let attempt = 1; result === STALE && attempt <= LOCKED_ATTEMPTS; attempt += 1) {
      result = await this.uow.run((repos) => this.attempt(repos, command, true));
    }
    if (result === STALE) throw new Error(`a delivery from \`${command.from}\` to \`${command.to}\` found its facts changed ${OPTIMISTIC_ATTEMPTS + LOCKED_ATTEMPTS} times`);
    return result;
  }

  private async attempt(repos: Repositories, command: DeliverPeerMessageCommand, lock: boolean): Promise<Attempt> {
    const { from, to, body, idempotencyKey } = command;
    const facts = await repos.deliveries.facts(from, to, idempotencyKey, { lock });
    const { relation } = facts;
    const allowed = authorize(from, 'send_peer', to, visibilitySet(from, facts.child ? [facts.child] : [], relation ? [relation] : []));
    if (!allowed.ok) return allowed;
    if (!relation) throw new Error('authorized a peer send without a relation');

    const now = this.clock.now();
    const delivery = deliveryFor(facts.lease, now);
    if (facts.first) {
      const { messageId, pairSeq, seq } = facts.first;
      return ok({ messageId, pairSeq, seq, ...delivery, turn: 'none', duplicate: true });
    }
    const pairSeq = relation.lastPairSeq + 1;
    const messageId = this.ids.next('msg');
    let { turn } = delivery;
    let autoTurns = relation.autoTurns;
    let notice: PeerMessageWrite['notice'];
    // An external agent's next action counts like a turn: two agents answering each other stop the same way.
    if (turn === 'started' || turn === 'to_agent') {
      const decision = decideAutoRun(relation.autoTurns);
      if (decision.run) autoTurns += 1;
      else {
        turn = 'withheld';
        // Its seenThrough marks the message as dealt with, so no host starts a turn for it alone.
        notice = { code: 'ping_pong_breaker', text: describeBreaker(from, to, decision.autoTurns) };
      }
    }
    const message = { kind: 'peer_message', from, relationId: relation.id, messageId, pairSeq, body, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) } as const;
    const written = await repos.deliveries.write({ to, facts: { ...facts, relation }, message, autoTurns, at: now, ...(notice ? { notice } : {}) });
    if (written === 'stale') return STALE;
    return ok({ messageId, pairSeq, seq: written.seq, ...delivery, turn, duplicate: false });
  }
}
