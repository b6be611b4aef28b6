import { beforeEach, describe, expect, it } from 'vitest';
import type { ChildOwnership } from '../../src/domain/child-ownership.js';
import { inRun, later, name, scope, seedPods, sleep, T0, type ContractFixture } from './contract-fixture.js';

const edge = (parent: string, child: string, extra: Partial<ChildOwnership> = {}): ChildOwnership => ({
  parent: name(parent),
  child: name(child),
  scope: [scope('write', `/work/${child}`), scope('read', '/work', false)],
  state: 'outstanding',
  spawnedAt: T0,
  outputCursor: 0,
  ...extra,
});

export function childOwnershipRepositoryContract(f: ContractFixture): void {
  describe('ChildOwnershipRepository contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'mom', 'dad', 'kid', 'kid2', 'Kid3', 'other');
    });

    it('adds an edge and finds it by child, field for field, with Dates', async () => {
      const e = edge('mom', 'kid', { spawnedAt: later(3), outputCursor: 2 });
      await inRun(f, (r) => r.children.add(e));
      const got = await inRun(f, (r) => r.children.findByChild(name('kid')));
      expect(got).toEqual(e);
      expect(got?.spawnedAt).toBeInstanceOf(Date);
      expect(got?.spawnedAt.getTime()).toBe(later(3).getTime());
      expect(got && 'stoppedAt' in got).toBe(false);
    });

    it('round-trips a stopped edge with its stoppedAt', async () => {
      const e = edge('mom', 'kid', { state: 'stopped', stoppedAt: later(60_000) });
      await inRun(f, (r) => r.children.add(e));
      const got = await inRun(f, (r) => r.children.findByChild(name('kid')));
      expect(got).toEqual(e);
      expect(got?.stoppedAt?.getTime()).toBe(later(60_000).getTime());
    });

    it('refuses a second parent for the same child', async () => {
      await inRun(f, (r) => r.children.add(edge('mom', 'kid')));
      await expect(inRun(f, (r) => r.children.add(edge('dad', 'kid')))).rejects.toThrow();
      expect((await inRun(f, (r) => r.children.findByChild(name('kid'))))?.parent).toBe('mom');
    });

    it('finds no edge for a Pod that is nobody’s child', async () => {
      await inRun(f, (r) => r.children.add(edge('mom', 'kid')));
      expect(await inRun(f, (r) => r.children.findByChild(name('mom')))).toBeUndefined();
      expect(await inRun(f, (r) => r.children.findByChild(name('ghost')))).toBeUndefined();
    });

    it('lists the children of several parents, outstanding and stopped, sorted by child name', async () => {
      const edges = [
        edge('mom', 'kid2'),
        edge('dad', 'kid', { state: 'stopped', stoppedAt: later(1) }),
        edge('mom', 'Kid3'),
        edge('other', 'mom'),
      ];
      await inRun(f, async (r) => {
        for (const e of edges) await r.children.add(e);
      });
      expect(await inRun(f, (r) => r.children.listByParents([name('mom'), name('dad')]))).toEqual([edges[2], edges[1], edges[0]]);
      expect(await inRun(f, (r) => r.children.listByParents([name('other')]))).toEqual([edges[3]]);
    });

    it('lists nothing for no parents or for parents without children', async () => {
      await inRun(f, (r) => r.children.add(edge('mom', 'kid')));
      expect(await inRun(f, (r) => r.children.listByParents([]))).toEqual([]);
      expect(await inRun(f, (r) => r.children.listByParents([name('kid'), name('ghost')]))).toEqual([]);
    });

    it('updates state, stoppedAt and outputCursor', async () => {
      await inRun(f, (r) => r.children.add(edge('mom', 'kid')));
      const stopped = edge('mom', 'kid', { state: 'stopped', stoppedAt: later(9), outputCursor: 4 });
      await inRun(f, (r) => r.children.update(stopped));
      expect(await inRun(f, (r) => r.children.findByChild(name('kid')))).toEqual(stopped);
    });

    it('drops stoppedAt when an edge is restored without one', async () => {
      await inRun(f, (r) => r.children.add(edge('mom', 'kid', { state: 'stopped', stoppedAt: later(9) })));
      await inRun(f, (r) => r.children.update(edge('mom', 'kid', { outputCursor: 1 })));
      const got = await inRun(f, (r) => r.children.findByChild(name('kid')));
      expect(got).toEqual(edge('mom', 'kid', { outputCursor: 1 }));
      expect(got && 'stoppedAt' in got).toBe(false);
    });

    it('updates only state, stoppedAt and outputCursor: parent, scope and spawnedAt stay', async () => {
      const original = edge('mom', 'kid');
      await inRun(f, (r) => r.children.add(original));
      await inRun(f, (r) => r.children.update({ ...original, parent: name('dad'), scope: [], spawnedAt: later(1), outputCursor: 3 }));
      expect(await inRun(f, (r) => r.children.findByChild(name('kid')))).toEqual({ ...original, outputCursor: 3 });
    });

    it('refuses to update an edge that does not exist', async () => {
      await expect(inRun(f, (r) => r.children.update(edge('mom', 'kid')))).rejects.toThrow();
      expect(await inRun(f, (r) => r.children.findByChild(name('kid')))).toBeUndefined();
    });

    it('holds the edge for its unit of work: concurrent cursor advances lose no update', async () => {
      await inRun(f, (r) => r.children.add(edge('mom', 'kid')));
      const advance = () =>
        inRun(f, async (r) => {
          const e = await r.children.findByChild(name('kid'));
          if (!e) throw new Error('edge missing');
          await sleep(5);
          await r.children.update({ ...e, outputCursor: e.outputCursor + 1 });
        });
      await Promise.all(Array.from({ length: 8 }, advance));
      expect((await inRun(f, (r) => r.children.findByChild(name('kid'))))?.outputCursor).toBe(8);
    });
  });
}
