import { beforeEach, describe, expect, it } from 'vitest';
import { orderedPair, type PeerRelation } from '../../src/domain/peer-relation.js';
import { inRun, later, name, seedPods, sleep, T0, type ContractFixture } from './contract-fixture.js';

const relation = (x: string, y: string, extra: Partial<PeerRelation> = {}): PeerRelation => ({
  id: `rel_${x}_${y}`,
  ...orderedPair(name(x), name(y)),
  since: T0,
  initiatedFrom: name(x),
  auditId: `aud_${x}_${y}`,
  lastPairSeq: 0,
  autoTurns: 0,
  ...extra,
});

export function peerRelationRepositoryContract(f: ContractFixture): void {
  describe('PeerRelationRepository contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob', 'cat', 'dan', 'Zed');
    });
    const pair = (x: string, y: string) => orderedPair(name(x), name(y));

    it('adds a relation and reads it back with lockBetween, field for field', async () => {
      const rel = relation('bob', 'ann', { since: later(7), lastPairSeq: 3, autoTurns: 2 });
      expect(await inRun(f, (r) => r.relations.addIfAbsent(rel))).toBe('added');
      const got = await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'bob')));
      expect(got).toEqual(rel);
      expect(got).toMatchObject({ a: 'ann', b: 'bob', initiatedFrom: 'bob' });
      expect(got?.since).toBeInstanceOf(Date);
      expect(got?.since.getTime()).toBe(later(7).getTime());
    });

    it("reports a second relation for the same pair as 'exists' and keeps the first", async () => {
      await inRun(f, (r) => r.relations.addIfAbsent(relation('ann', 'bob')));
      const second = relation('bob', 'ann', { id: 'rel_other', auditId: 'aud_other' });
      expect(await inRun(f, (r) => r.relations.addIfAbsent(second))).toBe('exists');
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('bob', 'ann')))).toEqual(relation('ann', 'bob'));
      expect(await inRun(f, (r) => r.relations.listFor(name('ann')))).toHaveLength(1);
    });

    it('refuses a pair that is not ordered a < b', async () => {
      const backwards = { ...relation('ann', 'bob'), a: name('bob'), b: name('ann') };
      await expect(inRun(f, (r) => r.relations.addIfAbsent(backwards))).rejects.toThrow();
      expect(await inRun(f, (r) => r.relations.listFor(name('ann')))).toEqual([]);
    });

    it('orders a pair by code unit, so an upper-case name comes first', async () => {
      const rel = relation('ann', 'Zed');
      expect(rel).toMatchObject({ a: 'Zed', b: 'ann' });
      expect(await inRun(f, (r) => r.relations.addIfAbsent(rel))).toBe('added');
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'Zed')))).toEqual(rel);
    });

    it('finds no relation for a pair that has none', async () => {
      await inRun(f, (r) => r.relations.addIfAbsent(relation('ann', 'bob')));
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'cat')))).toBeUndefined();
    });

    it('lists the relations of a Pod from either side, and only those', async () => {
      const rels = [relation('ann', 'bob'), relation('cat', 'ann'), relation('bob', 'cat'), relation('dan', 'Zed')];
      await inRun(f, async (r) => {
        for (const rel of rels) await r.relations.addIfAbsent(rel);
      });
      const byId = (list: readonly PeerRelation[]) => [...list].sort((x, y) => (x.id < y.id ? -1 : 1));
      expect(byId(await inRun(f, (r) => r.relations.listFor(name('ann'))))).toEqual(byId([rels[0]!, rels[1]!]));
      expect(byId(await inRun(f, (r) => r.relations.listFor(name('cat'))))).toEqual(byId([rels[1]!, rels[2]!]));
      expect(await inRun(f, (r) => r.relations.listFor(name('ghost')))).toEqual([]);
    });

    it('removes a relation and returns what it removed; a second removal finds nothing', async () => {
      const rel = relation('ann', 'bob', { lastPairSeq: 4 });
      await inRun(f, (r) => r.relations.addIfAbsent(rel));
      expect(await inRun(f, (r) => r.relations.remove(pair('bob', 'ann')))).toEqual(rel);
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'bob')))).toBeUndefined();
      expect(await inRun(f, (r) => r.relations.remove(pair('ann', 'bob')))).toBeUndefined();
    });

    it('lets a removed pair be related again, from zero', async () => {
      await inRun(f, (r) => r.relations.addIfAbsent(relation('ann', 'bob', { lastPairSeq: 9 })));
      await inRun(f, (r) => r.relations.remove(pair('ann', 'bob')));
      const again = relation('ann', 'bob', { id: 'rel_again', auditId: 'aud_again' });
      expect(await inRun(f, (r) => r.relations.addIfAbsent(again))).toBe('added');
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'bob')))).toEqual(again);
    });

    it('saves the counters of one relation and nothing else', async () => {
      await inRun(f, async (r) => {
        await r.relations.addIfAbsent(relation('ann', 'bob'));
        await r.relations.addIfAbsent(relation('ann', 'cat'));
      });
      await inRun(f, (r) => r.relations.saveCounters({ ...pair('ann', 'bob'), lastPairSeq: 5, autoTurns: 3 }));
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'bob')))).toEqual(relation('ann', 'bob', { lastPairSeq: 5, autoTurns: 3 }));
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'cat')))).toEqual(relation('ann', 'cat'));
    });

    it('ignores saved counters for a pair that has no relation, and creates none', async () => {
      await inRun(f, (r) => r.relations.saveCounters({ ...pair('ann', 'bob'), lastPairSeq: 1, autoTurns: 1 }));
      expect(await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'bob')))).toBeUndefined();
    });

    it("resets the ping-pong counter of every relation of a Pod, and only that Pod's", async () => {
      await inRun(f, async (r) => {
        await r.relations.addIfAbsent(relation('ann', 'bob', { autoTurns: 4, lastPairSeq: 6 }));
        await r.relations.addIfAbsent(relation('cat', 'ann', { autoTurns: 8 }));
        await r.relations.addIfAbsent(relation('bob', 'cat', { autoTurns: 2 }));
      });
      await inRun(f, (r) => r.relations.resetAutoTurns(name('ann')));
      const turns = async (x: string, y: string) => (await inRun(f, (r) => r.relations.lockBetween(pair(x, y))))?.autoTurns;
      expect([await turns('ann', 'bob'), await turns('ann', 'cat'), await turns('bob', 'cat')]).toEqual([0, 0, 2]);
      expect((await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'bob'))))?.lastPairSeq).toBe(6);
    });

    it('holds the pair for its unit of work: concurrent read-increment-save units lose no update', async () => {
      await inRun(f, (r) => r.relations.addIfAbsent(relation('ann', 'bob')));
      const bump = () =>
        inRun(f, async (r) => {
          const rel = await r.relations.lockBetween(pair('ann', 'bob'));
          if (!rel) throw new Error('relation missing');
          await sleep(5); // widen the window a missing lock would let another unit into
          await r.relations.saveCounters({ ...rel, lastPairSeq: rel.lastPairSeq + 1 });
        });
      await Promise.all(Array.from({ length: 8 }, bump));
      expect((await inRun(f, (r) => r.relations.lockBetween(pair('ann', 'bob'))))?.lastPairSeq).toBe(8);
    });
  });
}
