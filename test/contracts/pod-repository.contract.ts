import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/domain/pod.js';
import { inRun, name, operatorPod, scope, sleep, T0, later, type ContractFixture } from './contract-fixture.js';

export function podRepositoryContract(f: ContractFixture): void {
  describe('PodRepository contract', () => {
    it('adds a Pod and gets it back field for field, with a Date', async () => {
      const pod: Pod = { ...operatorPod('alpha'), scope: [scope('write', '/work'), scope('read', '/etc/hosts', false)] };
      expect(await inRun(f, (r) => r.pods.add(pod))).toBe('added');
      const got = await inRun(f, (r) => r.pods.get(name('alpha')));
      expect(got).toEqual(pod);
      expect(got?.createdAt).toBeInstanceOf(Date);
      expect(got?.createdAt.getTime()).toBe(T0.getTime());
    });

    it('keeps a spawned origin with its parent', async () => {
      const child: Pod = { name: name('kid'), scope: [], origin: { type: 'spawned', parent: name('alpha') }, createdAt: later(5) };
      await inRun(f, async (r) => {
        await r.pods.add(operatorPod('alpha'));
        await r.pods.add(child);
      });
      expect(await inRun(f, (r) => r.pods.get(name('kid')))).toEqual(child);
    });

    it("reports a taken name as 'exists' and keeps the first Pod", async () => {
      await inRun(f, (r) => r.pods.add(operatorPod('alpha')));
      const again: Pod = { ...operatorPod('alpha', later(1000)), scope: [] };
      expect(await inRun(f, (r) => r.pods.add(again))).toBe('exists');
      expect(await inRun(f, (r) => r.pods.get(name('alpha')))).toEqual(operatorPod('alpha'));
    });

    it('locks a Pod for its unit of work: a second lock of it waits until the first unit ends', async () => {
      await inRun(f, (r) => r.pods.add(operatorPod('alpha')));
      expect(await inRun(f, (r) => r.pods.lock(name('alpha')))).toEqual(operatorPod('alpha'));
      expect(await inRun(f, (r) => r.pods.lock(name('ghost')))).toBeUndefined();
      // Two units at once first, so a SQL store's pool has two connections open: neither waits on a connect below.
      await Promise.all([0, 1].map(() => inRun(f, async (r) => { await r.pods.get(name('alpha')); await sleep(20); })));
      const order: string[] = [];
      const hold = (who: string) =>
        inRun(f, async (r) => {
          await r.pods.lock(name('alpha'));
          order.push(`${who} in`);
          await sleep(50); // the window a missing lock would let the other unit into
          order.push(`${who} out`);
        });
      await Promise.all([hold('a'), hold('b')]);
      expect([order[0]?.replace(' in', ' out'), order[2]?.replace(' in', ' out')]).toEqual([order[1], order[3]]);
    });

    it('gets nothing for an unknown name', async () => {
      expect(await inRun(f, (r) => r.pods.get(name('ghost')))).toBeUndefined();
    });

    it('lists nothing in an empty store', async () => {
      expect(await inRun(f, (r) => r.pods.list())).toEqual([]);
    });

    it('lists every Pod sorted by code unit: digits, then upper case, then lower case', async () => {
      const names = ['beta', 'Zulu', 'alpha', '9lives', 'a-b', 'a.b', 'a_b', 'Alpha', 'a0'];
      await inRun(f, async (r) => {
        for (const n of names) await r.pods.add(operatorPod(n));
      });
      const listed = (await inRun(f, (r) => r.pods.list())).map((p) => p.name);
      expect(listed).toEqual([...names].sort());
      expect(listed).toEqual(['9lives', 'Alpha', 'Zulu', 'a-b', 'a.b', 'a0', 'a_b', 'alpha', 'beta']);
    });

    it('names the Pods no live lease holds and no parent stopped, in one read', async () => {
      const spawned = (child: string, parent: string): Pod => ({ name: name(child), scope: [], origin: { type: 'spawned', parent: name(parent) }, createdAt: T0 });
      await inRun(f, async (r) => {
        for (const n of ['free', 'held', 'expired', 'mom']) await r.pods.add(operatorPod(n));
        await r.pods.add(spawned('kid', 'mom'));
        await r.pods.add(spawned('stopped', 'mom'));
        for (const [child, state] of [['kid', 'outstanding'], ['stopped', 'stopped']] as const) {
          await r.children.add({ parent: name('mom'), child: name(child), scope: [], state, spawnedAt: T0, outputCursor: 0 });
        }
        await r.leases.tryAcquire(name('held'), 'h1', T0, later(10_000));
        await r.leases.tryAcquire(name('mom'), 'h2', T0, later(10_000));
        await r.leases.tryAcquire(name('expired'), 'h1', T0, later(1_000));
      });
      const unserved = (now: Date) => f().uow().run((r) => r.pods.unserved(now), { singleRead: true });
      expect(await unserved(later(1_000))).toEqual(['expired', 'free', 'kid']);
      expect(await unserved(later(999))).toEqual(['free', 'kid']);
      expect(await unserved(later(10_000))).toEqual(['expired', 'free', 'held', 'kid', 'mom']);
    });

    it('stores a copy: changing the added object afterwards changes nothing', async () => {
      const rules = [scope('write', '/work')];
      await inRun(f, (r) => r.pods.add({ ...operatorPod('alpha'), scope: rules }));
      rules.push(scope('write', '/'));
      expect((await inRun(f, (r) => r.pods.get(name('alpha'))))?.scope).toEqual([scope('write', '/work')]);
    });
  });
}
