import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PodChanges, PodEvent } from '../../src/application/ports/pod-events.js';
import { eventsOf } from '../support/world.js';
import { Boom, inRun, later, name, operatorPod, seedPods, T0, type ContractFixture } from './contract-fixture.js';

/** What every store publishes on its event stream after a unit of work (ADR 0018). */
export function podEventsContract(f: ContractFixture): void {
  describe('PodEvents contract (what a store announces after a commit)', () => {
    let heard: PodEvent[];
    let off: () => void = () => undefined;
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob');
      heard = [];
      off = eventsOf(f().uow()).subscribe((e) => heard.push(e));
    });
    afterEach(() => off());
    const committed = (): [string, PodChanges][] => heard.flatMap((e) => (e.type === 'committed' ? [[e.pod, e.changes] as [string, PodChanges]] : []));

    it('announces nothing for a unit that rolled back', async () => {
      await expect(inRun(f, async (r) => {
        await r.pods.add(operatorPod('cat'));
        await r.history.append(name('ann'), { kind: 'assistant_message', text: 'lost' }, T0);
        await r.leases.tryAcquire(name('bob'), 'h1', T0, later(10_000));
        throw new Boom();
      })).rejects.toThrow(Boom);
      await inRun(f, (r) => r.history.append(name('bob'), { kind: 'assistant_message', text: 'kept' }, T0));
      expect(committed()).toEqual([['bob', { history: true }]]);
    });

    it('announces each changed Pod once, with everything the unit changed, only after the commit', async () => {
      let heardInside = -1;
      await inRun(f, async (r) => {
        await r.pods.add(operatorPod('cat'));
        await r.history.append(name('cat'), { kind: 'assistant_message', text: 'one' }, T0);
        await r.history.append(name('cat'), { kind: 'assistant_message', text: 'two' }, T0);
        await r.leases.tryAcquire(name('cat'), 'h1', T0, later(10_000), 'acp');
        await r.history.append(name('ann'), { kind: 'assistant_message', text: 'three' }, T0);
        heardInside = heard.length;
      });
      expect(heardInside).toBe(0);
      expect(committed().sort(([a], [b]) => a.localeCompare(b))).toEqual([
        ['ann', { history: true }],
        ['cat', { created: true, history: true, lease: { takenBy: 'h1', driver: 'acp' } }],
      ]);
    });

    it('announces a lease ended, and the last of two lease changes in one unit', async () => {
      await inRun(f, (r) => r.leases.tryAcquire(name('ann'), 'h1', T0, later(10_000)));
      await inRun(f, (r) => r.leases.release(name('ann'), 'h1'));
      await inRun(f, async (r) => {
        await r.leases.tryAcquire(name('bob'), 'h1', T0, later(10_000));
        await r.leases.revoke(name('bob'));
      });
      expect(committed()).toEqual([
        ['ann', { lease: { takenBy: 'h1', driver: 'model' } }],
        ['ann', { lease: 'ended' }],
        ['bob', { lease: 'ended' }],
      ]);
    });

    it('announces a removed Pod', async () => {
      await inRun(f, (r) => r.archive.archive(name('bob'), { id: 'rm_1', at: T0 }));
      expect(committed()).toEqual([['bob', { removed: true }]]);
    });

    it('announces nothing for a unit that only read, renewed a lease or released one it did not hold', async () => {
      await inRun(f, (r) => r.leases.tryAcquire(name('ann'), 'h1', T0, later(10_000)));
      heard.length = 0;
      await inRun(f, async (r) => {
        await r.history.read(name('ann'));
        await r.leases.renew(name('ann'), 'h1', T0, later(20_000), 'running');
        await r.leases.release(name('ann'), 'h2');
        await r.leases.revoke(name('bob'));
      });
      expect(heard).toEqual([]);
    });
  });
}
