import { beforeEach, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/domain/pod-status.js';
import { inRun, later, name, seedPods, T0, type ContractFixture } from './contract-fixture.js';

const TTL = 10_000;

export function leaseRepositoryContract(f: ContractFixture): void {
  describe('LeaseRepository contract', () => {
    beforeEach(async () => {
      await seedPods(f, 'ann', 'bob', 'cat');
    });
    // When a lease was renewed is checked on its own (below); the other tests compare the rest.
    const plain = (l: Lease | undefined): Lease | undefined => {
      if (!l) return l;
      const { renewedAt: _renewed, ...rest } = l;
      return rest;
    };
    const acquire = async (pod: string, host: string, now: Date = T0, expiresAt: Date = later(TTL, now), driver?: Lease['driver']) => {
      const outcome = await inRun(f, (r) => r.leases.tryAcquire(name(pod), host, now, expiresAt, driver));
      return outcome.acquired ? { acquired: true, lease: plain(outcome.lease) } : { acquired: false, heldBy: plain(outcome.heldBy) };
    };
    const renew = (pod: string, host: string, now: Date, expiresAt: Date, status?: Lease['status']) =>
      inRun(f, (r) => r.leases.renew(name(pod), host, now, expiresAt, status));
    const leaseOf = async (pod: string) => plain((await inRun(f, (r) => r.leases.getMany([name(pod)])))[0]);

    it('records when it was taken and when it was last renewed', async () => {
      const taken = await inRun(f, (r) => r.leases.tryAcquire(name('ann'), 'h1', T0, later(TTL)));
      expect(taken.acquired && taken.lease.renewedAt).toEqual(T0);
      await renew('ann', 'h1', later(3_000), later(13_000));
      expect((await inRun(f, (r) => r.leases.getMany([name('ann')])))[0]?.renewedAt).toEqual(later(3_000));
      await renew('ann', 'h2', later(4_000), later(14_000));
      expect((await inRun(f, (r) => r.leases.getMany([name('ann')])))[0]?.renewedAt).toEqual(later(3_000));
    });
    const lease = (pod: string, hostId: string, expiresAt: Date, status: Lease['status'] = 'idle', driver: Lease['driver'] = 'model'): Lease => ({
      pod: name(pod),
      hostId,
      status,
      expiresAt,
      driver,
    });

    it('takes a free lease, idle, until the given time', async () => {
      expect(await acquire('ann', 'h1')).toEqual({ acquired: true, lease: lease('ann', 'h1', later(TTL)) });
      const stored = await leaseOf('ann');
      expect(stored).toEqual(lease('ann', 'h1', later(TTL)));
      expect(stored?.expiresAt).toBeInstanceOf(Date);
    });

    it('refuses a live lease held by another host and names the holder', async () => {
      await acquire('ann', 'h1');
      await renew('ann', 'h1', T0, later(TTL), 'running');
      expect(await acquire('ann', 'h2', later(1))).toEqual({ acquired: false, heldBy: lease('ann', 'h1', later(TTL), 'running') });
      expect(await leaseOf('ann')).toEqual(lease('ann', 'h1', later(TTL), 'running'));
    });

    it('takes over an expired lease of another host, idle again', async () => {
      await acquire('ann', 'h1');
      await renew('ann', 'h1', T0, later(TTL), 'running');
      const now = later(TTL + 1);
      expect(await acquire('ann', 'h2', now)).toEqual({ acquired: true, lease: lease('ann', 'h2', later(TTL, now)) });
    });

    it('counts a lease as expired at exactly its expiry time', async () => {
      await acquire('ann', 'h1');
      expect((await acquire('ann', 'h2', later(TTL))).acquired).toBe(true);
    });

    it('re-takes its own live lease, keeping its status and moving the expiry', async () => {
      await acquire('ann', 'h1');
      await renew('ann', 'h1', T0, later(TTL), 'running');
      expect(await acquire('ann', 'h1', later(5), later(50_000))).toEqual({ acquired: true, lease: lease('ann', 'h1', later(50_000), 'running') });
    });

    it('re-takes its own expired lease as idle', async () => {
      await acquire('ann', 'h1');
      await renew('ann', 'h1', T0, later(TTL), 'running');
      const now = later(TTL + 5);
      expect(await acquire('ann', 'h1', now)).toEqual({ acquired: true, lease: lease('ann', 'h1', later(TTL, now)) });
    });

    it('records who drives the Pod, keeps it across renewals, and takes the new one on a re-take', async () => {
      expect(await acquire('ann', 'h1', T0, later(TTL), 'mcp')).toEqual({ acquired: true, lease: lease('ann', 'h1', later(TTL), 'idle', 'mcp') });
      await renew('ann', 'h1', later(1), later(20_000), 'running');
      expect(await leaseOf('ann')).toEqual(lease('ann', 'h1', later(20_000), 'running', 'mcp'));
      expect(await acquire('ann', 'h2', later(2), later(30_000), 'model')).toEqual({ acquired: false, heldBy: lease('ann', 'h1', later(20_000), 'running', 'mcp') });
      expect(await acquire('ann', 'h1', later(3), later(30_000), 'model')).toEqual({ acquired: true, lease: lease('ann', 'h1', later(30_000), 'running', 'model') });
      const taken = later(30_000);
      expect(await acquire('ann', 'h2', taken, later(TTL, taken), 'mcp')).toEqual({ acquired: true, lease: lease('ann', 'h2', later(TTL, taken), 'idle', 'mcp') });
    });

    it('renews its own live lease, with or without a new status', async () => {
      await acquire('ann', 'h1');
      expect(await renew('ann', 'h1', later(1), later(20_000), 'running')).toBe(true);
      expect(await leaseOf('ann')).toEqual(lease('ann', 'h1', later(20_000), 'running'));
      expect(await renew('ann', 'h1', later(2), later(30_000))).toBe(true);
      expect(await leaseOf('ann')).toEqual(lease('ann', 'h1', later(30_000), 'running'));
    });

    it('does not renew a lease that is not its own, has expired, or does not exist', async () => {
      await acquire('ann', 'h1');
      expect(await renew('ann', 'h2', later(1), later(99_000))).toBe(false);
      expect(await renew('ann', 'h1', later(TTL), later(99_000))).toBe(false);
      expect(await renew('bob', 'h1', later(1), later(99_000))).toBe(false);
      expect(await leaseOf('ann')).toEqual(lease('ann', 'h1', later(TTL)));
      expect(await leaseOf('bob')).toBeUndefined();
    });

    it('renews all its own live leases in one call, each with its status, and says which it still holds', async () => {
      await seedPods(f, 'dan', 'eve');
      await acquire('ann', 'h1');
      await acquire('bob', 'h1', T0, later(1_000));
      await acquire('cat', 'h2');
      await acquire('dan', 'h1', T0, later(TTL), 'mcp');
      const renewAll = (host: string, now: Date, until: Date, renewals: readonly [string, Lease['status']][]) =>
        inRun(f, (r) => r.leases.renewAll(host, renewals.map(([pod, status]) => ({ pod: name(pod), status })), now, until));
      // bob expired, cat is another host's, eve has no lease: none of them is renewed or taken.
      const held = await renewAll('h1', later(2_000), later(20_000), [['ann', 'running'], ['bob', 'idle'], ['cat', 'idle'], ['dan', 'idle'], ['eve', 'idle']]);
      expect([...held].sort()).toEqual(['ann', 'dan']);
      expect(await leaseOf('ann')).toEqual(lease('ann', 'h1', later(20_000), 'running'));
      expect(await leaseOf('dan')).toEqual(lease('dan', 'h1', later(20_000), 'idle', 'mcp'));
      expect(await leaseOf('bob')).toEqual(lease('bob', 'h1', later(1_000)));
      expect(await leaseOf('cat')).toEqual(lease('cat', 'h2', later(TTL)));
      expect(await leaseOf('eve')).toBeUndefined();
      expect((await inRun(f, (r) => r.leases.getMany([name('ann')])))[0]?.renewedAt).toEqual(later(2_000));
      expect([...(await renewAll('h1', later(3_000), later(30_000), []))]).toEqual([]);
      // At exactly its expiry a lease is no longer renewed.
      expect([...(await renewAll('h1', later(20_000), later(40_000), [['ann', 'idle']]))]).toEqual([]);
    });

    it('renews hundreds of leases in one call', async () => {
      const pods = Array.from({ length: 300 }, (_, i) => `p${String(i).padStart(3, '0')}`);
      await seedPods(f, ...pods);
      await inRun(f, async (r) => {
        for (const pod of pods) await r.leases.tryAcquire(name(pod), 'h1', T0, later(TTL));
      });
      const held = await inRun(f, (r) => r.leases.renewAll('h1', pods.map((pod) => ({ pod: name(pod), status: 'idle' as const })), later(1), later(50_000)));
      expect([...held].sort()).toEqual(pods);
      expect((await inRun(f, (r) => r.leases.getMany(pods.map(name)))).every((l) => l.expiresAt.getTime() === later(50_000).getTime())).toBe(true);
    });

    it('releases only its own lease', async () => {
      await acquire('ann', 'h1');
      await inRun(f, (r) => r.leases.release(name('ann'), 'h2'));
      expect(await leaseOf('ann')).toBeDefined();
      await inRun(f, (r) => r.leases.release(name('ann'), 'h1'));
      expect(await leaseOf('ann')).toBeUndefined();
      await inRun(f, (r) => r.leases.release(name('ann'), 'h1'));
      expect((await acquire('ann', 'h2')).acquired).toBe(true);
    });

    it("revokes whichever host's lease, and revoking nothing is fine", async () => {
      await acquire('ann', 'h1');
      await inRun(f, (r) => r.leases.revoke(name('ann')));
      expect(await leaseOf('ann')).toBeUndefined();
      await inRun(f, (r) => r.leases.revoke(name('bob')));
      expect(await leaseOf('bob')).toBeUndefined();
    });

    it('gets the leases of many Pods at once, expired ones included, missing ones skipped', async () => {
      await acquire('ann', 'h1');
      await acquire('bob', 'h2', T0, later(1));
      const got = (await inRun(f, (r) => r.leases.getMany([name('cat'), name('bob'), name('ann'), name('ghost')]))).map(plain);
      expect([...got].sort((x, y) => ((x?.pod ?? '') < (y?.pod ?? '') ? -1 : 1))).toEqual([lease('ann', 'h1', later(TTL)), lease('bob', 'h2', later(1))]);
      expect(await inRun(f, (r) => r.leases.getMany([]))).toEqual([]);
    });

    it('gives a contested free lease to exactly one of many hosts', async () => {
      const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => acquire('ann', `h${i}`)));
      const winners = outcomes.filter((o) => o.acquired);
      expect(winners).toHaveLength(1);
      const holder = winners[0]?.acquired ? winners[0].lease?.hostId : undefined;
      for (const o of outcomes) if (!o.acquired) expect(o.heldBy?.hostId).toBe(holder);
      expect((await leaseOf('ann'))?.hostId).toBe(holder);
    });
  });
}
