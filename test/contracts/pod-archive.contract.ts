import { beforeEach, describe, expect, it } from 'vitest';
import { Boom, inRun, later, name, seedPods, T0, type ContractFixture } from './contract-fixture.js';

export function podArchiveContract(f: ContractFixture): void {
  describe('PodArchive contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob');
      await inRun(f, async (r) => {
        await r.history.append(name('ann'), { kind: 'user_input', text: 'one' } as never, T0);
        await r.history.append(name('ann'), { kind: 'user_input', text: 'two' } as never, T0);
        await r.inboundCursors.advance(name('ann'), 1);
      });
    });

    it('moves the Pod and its history to the archive, and frees its name', async () => {
      const removed = await inRun(f, (r) => r.archive.archive(name('ann'), { id: 'rmv_1', at: later(1) }));
      expect(removed).toMatchObject({ id: 'rmv_1', removedAt: later(1), entries: 2, pod: { name: 'ann', origin: { type: 'operator' } } });
      expect(await inRun(f, (r) => r.pods.get(name('ann')))).toBeUndefined();
      expect(await inRun(f, (r) => r.history.read(name('ann')))).toEqual([]);
      expect(await inRun(f, (r) => r.archive.removals(name('ann')))).toEqual([removed]);
      const kept = await inRun(f, (r) => r.archive.readRemoved('rmv_1', { after: 1 }));
      expect(kept).toMatchObject([{ pod: 'ann', seq: 2, kind: 'user_input', text: 'two', at: T0 }]);
      await seedPods(f, 'ann');
      expect(await inRun(f, (r) => r.inboundCursors.lock(name('ann')))).toBe(0);
      expect(await inRun(f, (r) => r.history.head(name('ann')))).toBe(0);
    });

    it('rolls back with its unit of work: the Pod and its history are as they were', async () => {
      await expect(inRun(f, async (r) => {
        await r.archive.archive(name('ann'), { id: 'rmv_2', at: later(1) });
        throw new Boom();
      })).rejects.toBeInstanceOf(Boom);
      expect(await inRun(f, (r) => r.pods.get(name('ann')))).toMatchObject({ name: 'ann' });
      expect((await inRun(f, (r) => r.history.read(name('ann')))).map((e) => e.seq)).toEqual([1, 2]);
      expect(await inRun(f, (r) => r.archive.removals(name('ann')))).toEqual([]);
    });

    it('refuses (throws) to archive a Pod whose lease is live', async () => {
      await inRun(f, (r) => r.leases.tryAcquire(name('bob'), 'host_x', T0, later(10_000)));
      await expect(inRun(f, (r) => r.archive.archive(name('bob'), { id: 'rmv_3', at: later(1) }))).rejects.toThrow(/became live/);
      expect(await inRun(f, (r) => r.pods.get(name('bob')))).toMatchObject({ name: 'bob' });
    });
  });
}
