import { beforeEach, describe, expect, it } from 'vitest';
import { Boom, inRun, name, seedPods, sleep, type ContractFixture } from './contract-fixture.js';

export function inboundCursorRepositoryContract(f: ContractFixture): void {
  describe('InboundCursorRepository contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob');
    });
    const cursorOf = (pod: string) => inRun(f, (r) => r.inboundCursors.lock(name(pod)));

    it('starts at 0 for a Pod never read, and keeps what was advanced, per Pod', async () => {
      expect(await cursorOf('ann')).toBe(0);
      await inRun(f, (r) => r.inboundCursors.advance(name('ann'), 7));
      expect(await cursorOf('ann')).toBe(7);
      expect(await cursorOf('bob')).toBe(0);
      await inRun(f, (r) => r.inboundCursors.advance(name('bob'), 2));
      expect([await cursorOf('ann'), await cursorOf('bob')]).toEqual([7, 2]);
    });

    it('never moves backwards', async () => {
      await inRun(f, (r) => r.inboundCursors.advance(name('ann'), 5));
      await inRun(f, (r) => r.inboundCursors.advance(name('ann'), 3));
      expect(await cursorOf('ann')).toBe(5);
    });

    it('rolls back with its unit of work', async () => {
      await inRun(f, (r) => r.inboundCursors.advance(name('ann'), 4));
      await expect(
        inRun(f, async (r) => {
          await r.inboundCursors.advance(name('ann'), 9);
          throw new Boom();
        }),
      ).rejects.toBeInstanceOf(Boom);
      expect(await cursorOf('ann')).toBe(4);
    });

    it('serializes readers: each of several concurrent units sees the cursor the previous one left', async () => {
      // Every unit reads, waits, then advances by one; a reader that did not wait for the
      // lock would read a stale value and two units would land on the same number.
      const step = () =>
        inRun(f, async (r) => {
          const seen = await r.inboundCursors.lock(name('ann'));
          await sleep(20);
          await r.inboundCursors.advance(name('ann'), seen + 1);
          return seen;
        });
      const seen = await Promise.all([step(), step(), step(), step()]);
      expect([...seen].sort()).toEqual([0, 1, 2, 3]);
      expect(await cursorOf('ann')).toBe(4);
    });
  });
}
