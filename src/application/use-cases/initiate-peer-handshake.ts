import { inject, injectable } from 'inversify';
import type { AuditRecord } from '../../domain/audit-record.js';
import { orderedPair, type PeerRelation } from '../../domain/peer-relation.js';
import { describePeeringRefusal, peeringRefusal, type PeeringRefusal } from '../../domain/peering.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { describePodNotFound, podNotFound, type PodNotFound } from '../errors.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../ports/id-generator.js';
import { UNIT_OF_WORK, type Repositories, type UnitOfWork } from '../ports/unit-of-work.js';

export type PeerCommand = {
  readonly from: PodName;
  readonly to: PodName;
  readonly via: string;
};
export type InitiatePeerHandshakeError = PodNotFound | PeeringRefusal;

/** The one wording of a refused `:peer` / `pods peer`; each surface adds only its prefix. */
export const describePeerError = (error: InitiatePeerHandshakeError): string =>
  error.type === 'PodNotFound' ? describePodNotFound(error) : describePeeringRefusal(error);
export type HandshakeOutcome = { readonly status: 'peered' | 'already_peers'; readonly relation: PeerRelation };

const ATTEMPTS = 5;
const RETRY = Symbol('retry');

/** No model-visible history and no model contacted; only when the one write adds nothing are the facts read, to say why. */
@injectable()
export class InitiatePeerHandshake {
  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(command: PeerCommand): Promise<Result<HandshakeOutcome, InitiatePeerHandshakeError>> {
    const { from, to } = command;
    const byNames = peeringRefusal(from, to);
    if (byNames) return err(byNames);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const outcome = await this.uow.run((repos) => this.attempt(repos, command), { callByCall: true });
      if (outcome !== RETRY) return outcome;
    }
    throw new Error(`peer relation ${from}/${to} kept vanishing between the handshake's write and its read`);
  }

  private async attempt(repos: Repositories, command: PeerCommand): Promise<Result<HandshakeOutcome, InitiatePeerHandshakeError> | typeof RETRY> {
    const { from, to, via } = command;
    const pair = orderedPair(from, to);
    const now = this.clock.now();
    const relation: PeerRelation = {
      id: this.ids.next('rel'), ...pair, since: now, initiatedFrom: from,
      auditId: this.ids.next('aud'), lastPairSeq: 0, autoTurns: 0,
    };
    const audit = ([[from, to, relation.auditId], [to, from, this.ids.next('aud')]] as const).map(
      ([pod, counterpart, id]): AuditRecord => ({ id, pod, at: now, action: 'peer_added', relationId: relation.id, counterpart, initiatedFrom: from, via }),
    );
    // A concurrent identical handshake may win: the write then waits for it and adds nothing.
    if ((await repos.relations.addIfAbsent(relation, { audit })) === 'added') return ok({ status: 'peered', relation });

    for (const name of [from, to]) if (!(await repos.pods.get(name))) return err(podNotFound(name));
    const owned = await Promise.all([repos.children.findByChild(from), repos.children.findByChild(to)]);
    const refusal = peeringRefusal(from, to, (pod) => owned.find((o) => o?.child === pod)?.parent);
    if (refusal) return err(refusal);
    const existing = await repos.relations.lockBetween(pair);
    if (existing) return ok({ status: 'already_peers', relation: existing });
    return RETRY; // removed since the write looked: the next attempt may add it
  }
}
