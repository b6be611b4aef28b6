import { beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryFacts, PeerMessageWrite } from '../../src/application/ports/peer-delivery-repository.js';
import type { Repositories } from '../../src/application/ports/unit-of-work.js';
import type { ChildOwnership } from '../../src/domain/child-ownership.js';
import { orderedPair, type PeerRelation } from '../../src/domain/peer-relation.js';
import { Boom, inRun, later, name, seedPods, T0, type ContractFixture } from './contract-fixture.js';

type Facts = DeliveryFacts & { readonly relation: PeerRelation };
type Options = { readonly key?: string; readonly autoTurns?: number; readonly notice?: boolean; readonly pairSeq?: number };

// Relation ids differ from test to test: a store may remember a pair's last write across units.
let made = 0;

export function peerDeliveryRepositoryContract(f: ContractFixture): void {
  describe('PeerDeliveryRepository contract', () => {
    let suffix = '';
    beforeEach(async () => {
      suffix = `${(made += 1)}`;
      await seedPods(f, 'ann', 'bob', 'cat');
    });
    const relation = (x: string, y: string): PeerRelation => ({
      id: `rel_${x}_${y}_${suffix}`, ...orderedPair(name(x), name(y)), since: T0, initiatedFrom: name(x), auditId: `aud_${x}_${y}_${suffix}`, lastPairSeq: 0, autoTurns: 0,
    });
    const peer = async (x: string, y: string) => {
      const rel = relation(x, y);
      await inRun(f, (r) => r.relations.addIfAbsent(rel));
      return rel;
    };
    const facts = (from: string, to: string, key?: string, run = inRun) => run(f, (r) => r.deliveries.facts(name(from), name(to), key));
    const withRelation = (got: DeliveryFacts): Facts => {
      if (!got.relation) throw new Error('facts without a relation');
      return got as Facts;
    };
    const delivery = (from: string, to: string, got: DeliveryFacts, o: Options = {}): PeerMessageWrite => {
      const read = withRelation(got);
      const pairSeq = o.pairSeq ?? read.relation.lastPairSeq + 1;
      return {
        to: name(to), facts: read, autoTurns: o.autoTurns ?? read.relation.autoTurns, at: later(pairSeq),
        message: {
          kind: 'peer_message', from: name(from), relationId: read.relation.id, messageId: `msg_${from}_${pairSeq}`, pairSeq, body: `#${pairSeq} from ${from}`,
          ...(o.key === undefined ? {} : { idempotencyKey: o.key }),
        },
        ...(o.notice ? { notice: { code: 'ping_pong_breaker', text: 'withheld' } } : {}),
      };
    };
    const write = (d: PeerMessageWrite, run = inRun) => run(f, (r) => r.deliveries.write(d));
    const each = <T>(fx: ContractFixture, work: (r: Repositories) => Promise<T>) => fx().uow().run(work, { callByCall: true });
    const historyOf = (pod: string) => inRun(f, (r) => r.history.read(name(pod)));
    const counters = async (x: string, y: string) => {
      const rel = await inRun(f, (r) => r.relations.lockBetween(orderedPair(name(x), name(y))));
      return rel && { lastPairSeq: rel.lastPairSeq, autoTurns: rel.autoTurns };
    };
    const acquire = (pod: string, host: string, now = T0) => inRun(f, (r) => r.leases.tryAcquire(name(pod), host, now, later(60_000, now)));
    const edge = (parent: string, child: string): ChildOwnership => ({ parent: name(parent), child: name(child), scope: [], state: 'outstanding', spawnedAt: T0, outputCursor: 0 });

    it('has no facts for a pair without a relation, lease, child edge or message', async () => {
      expect(await facts('ann', 'bob')).toMatchObject({ relation: undefined, child: undefined, lease: undefined, first: undefined });
      expect(await facts('ann', 'bob', 'k')).toMatchObject({ relation: undefined, first: undefined });
    });

    it('finds the relation from either side, but never one of a Pod with itself', async () => {
      const rel = await peer('bob', 'ann');
      expect((await facts('ann', 'bob')).relation).toEqual(rel);
      expect((await facts('bob', 'ann')).relation).toEqual(rel);
      expect((await facts('ann', 'ann')).relation).toBeUndefined();
      expect((await facts('ann', 'cat')).relation).toBeUndefined();
    });

    it("holds the receiver's lease, not the sender's", async () => {
      const taken = await acquire('bob', 'host_b');
      await acquire('ann', 'host_a');
      if (!taken.acquired) throw new Error('the lease was not taken');
      expect((await facts('ann', 'bob')).lease).toEqual(taken.lease);
      expect((await facts('cat', 'bob')).lease).toEqual(taken.lease);
      expect((await facts('bob', 'cat')).lease).toBeUndefined();
    });

    it("holds the receiver's ownership edge only when the sender is its parent", async () => {
      await inRun(f, (r) => r.children.add(edge('ann', 'bob')));
      expect((await facts('ann', 'bob')).child).toEqual(edge('ann', 'bob'));
      expect((await facts('bob', 'ann')).child).toBeUndefined();
      expect((await facts('cat', 'bob')).child).toBeUndefined();
    });

    it('writes the message with the receiver’s next seq, moves the relation’s counters, and says the seq', async () => {
      await peer('ann', 'bob');
      await inRun(f, (r) => r.history.append(name('bob'), { kind: 'assistant_message', text: 'before' }, T0));
      const d = delivery('ann', 'bob', await facts('ann', 'bob'), { autoTurns: 1 });
      expect(await write(d)).toEqual({ seq: 2 });
      expect((await historyOf('bob'))[1]).toEqual({ ...d.message, pod: 'bob', seq: 2, at: d.at });
      expect(await historyOf('ann')).toEqual([]);
      expect(await counters('ann', 'bob')).toEqual({ lastPairSeq: 1, autoTurns: 1 });
      expect((await facts('bob', 'ann')).relation).toMatchObject({ lastPairSeq: 1, autoTurns: 1 });
    });

    it("writes the breaker's notice right after its message, seen through it, and says the message's seq", async () => {
      await peer('ann', 'bob');
      const d = delivery('ann', 'bob', await facts('ann', 'bob'), { notice: true });
      expect(await write(d)).toEqual({ seq: 1 });
      expect(await historyOf('bob')).toEqual([
        { ...d.message, pod: 'bob', seq: 1, at: d.at },
        { kind: 'notice', code: 'ping_pong_breaker', text: 'withheld', seenThrough: 1, pod: 'bob', seq: 2, at: d.at },
      ]);
    });

    it('numbers messages per pair and entries per receiver, each without gaps', async () => {
      await peer('ann', 'bob');
      await peer('cat', 'bob');
      const seqs = [];
      for (const from of ['ann', 'cat', 'ann', 'ann', 'cat']) seqs.push(await write(delivery(from, 'bob', await facts(from, 'bob'))));
      expect(seqs).toEqual([1, 2, 3, 4, 5].map((seq) => ({ seq })));
      const entries = await historyOf('bob');
      expect(entries.map((e) => (e.kind === 'peer_message' ? `${e.from}:${e.pairSeq}` : e.kind))).toEqual(['ann:1', 'cat:1', 'ann:2', 'ann:3', 'cat:2']);
    });

    it('writes nothing from facts another delivery on the pair moved past: stale', async () => {
      await peer('ann', 'bob');
      const read = await facts('ann', 'bob');
      expect(await write(delivery('ann', 'bob', read))).toEqual({ seq: 1 });
      expect(await write(delivery('bob', 'ann', read))).toBe('stale');
      expect(await write(delivery('ann', 'bob', read))).toBe('stale');
      expect((await historyOf('bob')).length + (await historyOf('ann')).length).toBe(1);
      expect(await counters('ann', 'bob')).toEqual({ lastPairSeq: 1, autoTurns: 0 });
    });

    it("writes nothing when the breaker's counter was reset, or the relation removed or made again", async () => {
      await peer('ann', 'bob');
      await write(delivery('ann', 'bob', await facts('ann', 'bob'), { autoTurns: 3 }));
      const before = await facts('ann', 'bob');
      await inRun(f, (r) => r.relations.resetAutoTurns(name('bob')));
      expect(await write(delivery('ann', 'bob', before))).toBe('stale');
      const reset = await facts('ann', 'bob');
      expect(reset.relation).toMatchObject({ lastPairSeq: 1, autoTurns: 0 });
      await inRun(f, (r) => r.relations.remove(orderedPair(name('ann'), name('bob'))));
      expect(await write(delivery('ann', 'bob', reset))).toBe('stale');
      expect((await facts('ann', 'bob')).relation).toBeUndefined();
      await inRun(f, (r) => r.relations.addIfAbsent({ ...relation('ann', 'bob'), id: `rel_again_${suffix}`, lastPairSeq: 1 }));
      expect(await write(delivery('ann', 'bob', reset))).toBe('stale');
      expect((await historyOf('bob')).map((e) => e.seq)).toEqual([1]);
    });

    it("writes nothing when the receiver's lease was taken, renewed or ended since the facts", async () => {
      await peer('ann', 'bob');
      const none = await facts('ann', 'bob');
      await acquire('bob', 'host_b');
      expect(await write(delivery('ann', 'bob', none))).toBe('stale');
      const taken = await facts('ann', 'bob');
      expect(taken.lease).toMatchObject({ hostId: 'host_b' });
      await inRun(f, (r) => r.leases.renew(name('bob'), 'host_b', later(1_000), later(61_000), 'running'));
      expect(await write(delivery('ann', 'bob', taken))).toBe('stale');
      const renewed = await facts('ann', 'bob');
      await inRun(f, (r) => r.leases.release(name('bob'), 'host_b'));
      expect(await write(delivery('ann', 'bob', renewed))).toBe('stale');
      expect(await historyOf('bob')).toEqual([]);
      const ended = await facts('ann', 'bob');
      expect(ended.lease).toBeUndefined();
      expect(await write(delivery('ann', 'bob', ended))).toEqual({ seq: 1 });
    });

    it("is not stale for a change to the sender's lease or another pair", async () => {
      await peer('ann', 'bob');
      await peer('cat', 'bob');
      const read = await facts('ann', 'bob');
      await acquire('ann', 'host_a');
      await write(delivery('cat', 'bob', await facts('cat', 'bob')));
      expect(await write(delivery('ann', 'bob', read))).toEqual({ seq: 2 });
    });

    it('refuses a message whose pair seq does not follow the facts, writing nothing', async () => {
      await peer('ann', 'bob');
      const read = await facts('ann', 'bob');
      await expect(write(delivery('ann', 'bob', read, { pairSeq: 2 }))).rejects.toThrow();
      await expect(write(delivery('ann', 'bob', read, { pairSeq: 0 }))).rejects.toThrow();
      expect(await historyOf('bob')).toEqual([]);
      expect(await write(delivery('ann', 'bob', read))).toEqual({ seq: 1 });
    });

    it('finds the first message the sender sent the receiver under a key, and by nothing less', async () => {
      await peer('ann', 'bob');
      await write(delivery('ann', 'bob', await facts('ann', 'bob')));
      const first = delivery('ann', 'bob', await facts('ann', 'bob', 'k'), { key: 'k' });
      expect(await write(first)).toEqual({ seq: 2 });
      await write(delivery('bob', 'ann', await facts('bob', 'ann', 'k'), { key: 'k' }));
      expect((await facts('ann', 'bob', 'k')).first).toEqual({ ...first.message, pod: 'bob', seq: 2, at: first.at });
      expect((await facts('ann', 'bob', 'K')).first).toBeUndefined();
      expect((await facts('ann', 'bob')).first).toBeUndefined();
      expect((await facts('cat', 'bob', 'k')).first).toBeUndefined();
      expect((await facts('bob', 'ann', 'k')).first).toMatchObject({ from: 'bob', pod: 'ann', seq: 1 });
    });

    it('writes nothing of a delivery whose unit of work rolls back', async () => {
      await peer('ann', 'bob');
      await expect(inRun(f, async (r) => {
        const read = await r.deliveries.facts(name('ann'), name('bob'), undefined);
        expect(await r.deliveries.write(delivery('ann', 'bob', read, { notice: true }))).toEqual({ seq: 1 });
        throw new Boom();
      })).rejects.toThrow(Boom);
      expect(await historyOf('bob')).toEqual([]);
      expect(await counters('ann', 'bob')).toEqual({ lastPairSeq: 0, autoTurns: 0 });
      expect(await write(delivery('ann', 'bob', await facts('ann', 'bob')))).toEqual({ seq: 1 });
    });

    it('in units that commit call by call, facts handed out before a change write nothing, and the facts after it show it', async () => {
      await peer('ann', 'bob');
      const deliver = async (): Promise<{ readonly seq: number } | 'stale'> => write(delivery('ann', 'bob', await facts('ann', 'bob', undefined, each)), each);
      expect(await deliver()).toEqual({ seq: 1 });
      expect(await deliver()).toEqual({ seq: 2 });
      await acquire('bob', 'host_b');
      await inRun(f, (r) => r.relations.resetAutoTurns(name('bob')));
      const outcomes = [await deliver()];
      if (outcomes[0] === 'stale') outcomes.push(await deliver());
      expect(outcomes.at(-1)).toEqual({ seq: 3 });
      expect((await facts('ann', 'bob', undefined, each)).lease).toMatchObject({ hostId: 'host_b' });
      expect((await historyOf('bob')).map((e) => e.seq)).toEqual([1, 2, 3]);
    });
  });
}
