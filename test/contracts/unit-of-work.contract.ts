import { beforeEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/application/ports/unit-of-work.js';
import { Boom, inRun, later, name, operatorPod, scope, seedPods, T0, type ContractFixture } from './contract-fixture.js';

export function unitOfWorkContract(f: ContractFixture): void {
  describe('UnitOfWork contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob');
    });

    /** Everything a unit below may have written, read in one unit. */
    const snapshot = () =>
      inRun(f, async (r) => ({
        pods: (await r.pods.list()).map((p) => p.name),
        relations: await r.relations.listFor(name('ann')),
        children: await r.children.listByParents([name('ann')]),
        history: await r.history.read(name('ann')),
        audit: await r.audit.listForPod(name('ann')),
        leases: await r.leases.getMany([name('ann'), name('kid')]),
      }));

    const writeEverything = async (r: Repositories) => {
      await r.pods.add({ name: name('kid'), scope: [scope('read', '/work')], origin: { type: 'spawned', parent: name('ann') }, createdAt: T0 });
      await r.children.add({ parent: name('ann'), child: name('kid'), scope: [], state: 'outstanding', spawnedAt: T0, outputCursor: 0 });
      await r.relations.addIfAbsent({ id: 'rel_1', a: name('ann'), b: name('bob'), since: T0, initiatedFrom: name('ann'), auditId: 'aud_1', lastPairSeq: 0, autoTurns: 0 });
      await r.audit.record({ id: 'aud_1', pod: name('ann'), at: T0, action: 'peer_added', relationId: 'rel_1', counterpart: name('bob'), initiatedFrom: name('ann'), via: 'test' });
      await r.history.append(name('ann'), { kind: 'assistant_message', text: 'hi' }, T0);
      await r.leases.tryAcquire(name('ann'), 'h1', T0, later(10_000));
    };

    it('returns what the work returns and commits its writes', async () => {
      expect(await inRun(f, async (r) => (await r.pods.add(operatorPod('cat'))) === 'added' && 42)).toBe(42);
      expect(await inRun(f, (r) => r.pods.get(name('cat')))).toEqual(operatorPod('cat'));
    });

    it('rolls back the writes of every port when the work throws, and rethrows the same error', async () => {
      const before = await snapshot();
      const boom = new Boom();
      await expect(
        inRun(f, async (r) => {
          await writeEverything(r);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await snapshot()).toEqual(before);
      expect(await inRun(f, (r) => r.pods.get(name('kid')))).toBeUndefined();
    });

    it('commits the same writes when the work returns normally', async () => {
      await inRun(f, writeEverything);
      const after = await snapshot();
      expect(after.pods).toContain('kid');
      expect(after.relations).toHaveLength(1);
      expect(after.children).toHaveLength(1);
      expect(after.history).toHaveLength(1);
      expect(after.audit).toHaveLength(1);
      expect(after.leases).toHaveLength(1);
    });

    it('rolls back a failed repository call together with the writes before it', async () => {
      await expect(
        inRun(f, async (r) => {
          await r.pods.add(operatorPod('cat'));
          await r.children.update({ parent: name('ann'), child: name('bob'), scope: [], state: 'stopped', spawnedAt: T0, outputCursor: 0 });
        }),
      ).rejects.toThrow();
      expect(await inRun(f, (r) => r.pods.get(name('cat')))).toBeUndefined();
    });

    it('sees its own writes before it commits', async () => {
      const seen = await inRun(f, async (r) => {
        await r.history.append(name('ann'), { kind: 'assistant_message', text: 'x' }, T0);
        return (await r.history.read(name('ann'))).length;
      });
      expect(seen).toBe(1);
    });

    it('keeps going after a rolled-back unit', async () => {
      await expect(inRun(f, async () => Promise.reject(new Boom()))).rejects.toThrow(Boom);
      expect((await inRun(f, (r) => r.history.append(name('ann'), { kind: 'assistant_message', text: 'y' }, T0))).seq).toBe(1);
    });
  });
}
