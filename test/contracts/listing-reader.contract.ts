import { beforeEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/application/ports/unit-of-work.js';
import type { ChildOwnership } from '../../src/domain/child-ownership.js';
import { otherSide, type PeerRelation } from '../../src/domain/peer-relation.js';
import { OVERVIEW_TAIL, type Surroundings } from '../../src/application/ports/listing-reader.js';
import type { Pod } from '../../src/domain/pod.js';
import type { Lease } from '../../src/domain/pod-status.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { inRun, later, name, operatorPod, scope, T0, type ContractFixture } from './contract-fixture.js';

const spawned = (raw: string, parent: string): Pod => ({
  name: name(raw),
  scope: [scope('write', `/work/${raw}`), scope('read', '/work', false)],
  origin: { type: 'spawned', parent: name(parent) },
  createdAt: later(7),
});

const edge = (parent: string, child: string, extra: Partial<ChildOwnership> = {}): ChildOwnership => ({
  parent: name(parent),
  child: name(child),
  scope: [scope('write', `/work/${child}`), scope('read', '/work', false)],
  state: 'outstanding',
  spawnedAt: later(11),
  outputCursor: 0,
  ...extra,
});

const relation = (x: string, y: string, extra: Partial<PeerRelation> = {}): PeerRelation => {
  const [a, b] = x < y ? [x, y] : [y, x];
  return { id: `rel_${a}_${b}`, a: name(a), b: name(b), since: later(13), initiatedFrom: name(x), auditId: `aud_${a}_${b}`, lastPairSeq: 0, autoTurns: 0, ...extra };
};

const byName = <T>(key: (x: T) => string) => (xs: readonly T[]): T[] => [...xs].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
const sortedLeases = byName<Lease>((l) => l.pod);
/**
 * Every lease a read carries, each checked to sit beside its own Pod (the caller, each child,
 * the other side of each relation, each grandchild), once per Pod, sorted by Pod.
 */
const leasesOf = (read: Surroundings | undefined): Lease[] => {
  if (!read) return [];
  expect(read.leases.children).toHaveLength(read.children.length);
  expect(read.leases.relations).toHaveLength(read.relations.length);
  const beside: [string, Lease | undefined][] = [
    [read.self.name, read.leases.self],
    ...read.children.map((c, i): [string, Lease | undefined] => [c.child, read.leases.children[i]]),
    ...read.relations.map((r, i): [string, Lease | undefined] => [otherSide(r, read.self.name), read.leases.relations[i]]),
    ...read.grandchildren.map((g): [string, Lease | undefined] => [g.child, g.lease]),
  ];
  const byPod = new Map<string, Lease>();
  for (const [pod, lease] of beside) {
    if (!lease) continue;
    expect(lease.pod).toBe(pod);
    byPod.set(pod, lease);
  }
  return sortedLeases([...byPod.values()]);
};

/** Takes the lease on `pod` for `hostId` until `until`. */
const lease = async (r: Repositories, pod: string, hostId: string, until: Date, driver: Lease['driver'] = 'model') => {
  const taken = await r.leases.tryAcquire(name(pod), hostId, T0, until, driver);
  if (!taken.acquired) throw new Error(`lease on ${pod} not taken`);
  return taken.lease;
};

export function listingReaderContract(f: ContractFixture): void {
  describe('ListingReader contract', () => {
    /**
     * `me` has children `kid` (outstanding, with `grandkid`) and `gone` (stopped), and peers
     * `pal` (with child `palkid`) and `zed`. `stranger` and its child `far` are outside.
     */
    const world = {
      pods: [operatorPod('me'), operatorPod('pal'), operatorPod('zed'), operatorPod('stranger')],
      spawned: [spawned('kid', 'me'), spawned('gone', 'me'), spawned('grandkid', 'kid'), spawned('palkid', 'pal'), spawned('far', 'stranger')],
      edges: [
        edge('me', 'kid', { outputCursor: 3 }),
        edge('me', 'gone', { state: 'stopped', stoppedAt: later(60_000) }),
        edge('kid', 'grandkid'),
        edge('pal', 'palkid'),
        edge('stranger', 'far'),
      ],
      relations: [relation('pal', 'me', { lastPairSeq: 4, autoTurns: 2 }), relation('me', 'zed'), relation('pal', 'stranger')],
    };
    let leases: Lease[] = [];
    beforeEach(async () => {
      leases = await inRun(f, async (r) => {
        for (const pod of [...world.pods, ...world.spawned]) await r.pods.add(pod);
        for (const e of world.edges) await r.children.add(e);
        for (const rel of world.relations) await r.relations.addIfAbsent(rel);
        return [
          await lease(r, 'me', 'h1', later(10_000), 'mcp'),
          await lease(r, 'kid', 'h1', later(10_000)),
          await lease(r, 'grandkid', 'h2', later(-1)), // expired: returned as stored, the caller decides
          await lease(r, 'palkid', 'h2', later(10_000)),
          await lease(r, 'far', 'h3', later(10_000)),
          await lease(r, 'stranger', 'h3', later(10_000)),
        ];
      });
    });

    it('gives nothing for a caller that is no Pod', async () => {
      expect(await inRun(f, (r) => r.listing.surroundings(name('ghost')))).toBeUndefined();
    });

    it("reads the caller, its children and relations field for field, their children, and the leases on all of them, and nothing of anyone else's", async () => {
      const got = await inRun(f, (r) => r.listing.surroundings(name('me')));
      if (!got) throw new Error('no surroundings for me');
      expect(got.self).toEqual(operatorPod('me'));
      expect(got.self.createdAt).toBeInstanceOf(Date);
      expect(byName<ChildOwnership>((c) => c.child)(got.children)).toEqual([world.edges[1], world.edges[0]]);
      expect(got.children.find((c) => c.child === 'gone')?.stoppedAt?.getTime()).toBe(later(60_000).getTime());
      expect(Object.keys(got.children.find((c) => c.child === 'kid') ?? {})).not.toContain('stoppedAt');
      expect(byName<PeerRelation>((p) => p.id)(got.relations)).toEqual([world.relations[0], world.relations[1]]);
      expect(got.relations.find((p) => p.b === 'pal')?.since.getTime()).toBe(later(13).getTime());
      expect(byName<{ child: string }>((g) => g.child)(got.grandchildren)).toEqual([
        { parent: 'kid', child: 'grandkid', lease: leases.find((l) => l.pod === 'grandkid') },
        { parent: 'pal', child: 'palkid', lease: leases.find((l) => l.pod === 'palkid') },
      ]);
      expect(leasesOf(got)).toEqual(sortedLeases(leases.filter((l) => ['me', 'kid', 'grandkid', 'palkid'].includes(l.pod))));
      expect(got.grandchildren.find((g) => g.child === 'grandkid')?.lease?.expiresAt.getTime()).toBe(later(-1).getTime());
    });

    it('names each Pod once even when it is reached twice (a peer that is also a child, the caller as its peer’s child)', async () => {
      await inRun(f, async (r) => {
        await r.pods.add(spawned('both', 'kid'));
        await r.children.add(edge('kid', 'both'));
        await r.relations.addIfAbsent(relation('both', 'kid'));
        await lease(r, 'both', 'h1', later(10_000));
      });
      const got = await inRun(f, (r) => r.listing.surroundings(name('kid')));
      if (!got) throw new Error('no surroundings for kid');
      expect(got.self).toEqual(spawned('kid', 'me'));
      expect(byName<{ child: string }>((c) => c.child)(got.children).map((c) => c.child)).toEqual(['both', 'grandkid']);
      expect(got.relations.map((p) => p.id)).toEqual(['rel_both_kid']);
      expect(got.grandchildren).toEqual([]);
      expect(leasesOf(got).map((l) => l.pod)).toEqual(['both', 'grandkid', 'kid']);

      const pal = await inRun(f, (r) => r.listing.surroundings(name('pal')));
      // pal's peers: me and stranger; their children: kid, gone and far.
      expect(byName<{ child: string }>((g) => g.child)(pal?.grandchildren ?? []).map((g) => g.child)).toEqual(['far', 'gone', 'kid']);
      expect(leasesOf(pal).map((l) => l.pod)).toEqual(['far', 'kid', 'me', 'palkid', 'stranger']);
    });

    it('reads a Pod with no one around it', async () => {
      await inRun(f, (r) => r.pods.add(operatorPod('alone')));
      expect(await inRun(f, (r) => r.listing.surroundings(name('alone')))).toEqual({
        self: operatorPod('alone'), children: [], relations: [], grandchildren: [], leases: { children: [], relations: [] },
        profiles: { children: [], relations: [] },
      });
    });

    it('reads the profile of the caller, each child and each peer beside it, and none for `default`', async () => {
      await inRun(f, async (r) => {
        await r.pods.add({ ...operatorPod('coder'), profile: ProfileName.unsafe('claude') });
        await r.pods.add({ ...spawned('helper', 'coder'), profile: ProfileName.unsafe('codex') });
        await r.pods.add(spawned('plain', 'coder'));
        await r.children.add(edge('coder', 'helper'));
        await r.children.add(edge('coder', 'plain'));
        await r.relations.addIfAbsent(relation('coder', 'pal'));
      });
      const got = await inRun(f, (r) => r.listing.surroundings(name('coder')));
      if (!got) throw new Error('no surroundings for coder');
      expect(got.self.profile).toBe('claude');
      expect(got.profiles.children).toHaveLength(got.children.length);
      expect(Object.fromEntries(got.children.map((c, i) => [c.child, got.profiles.children[i]]))).toEqual({ helper: 'codex', plain: undefined });
      expect(got.profiles.relations).toEqual([undefined]);
      const every = await inRun(f, (r) => r.listing.everyPod());
      expect(every.find((p) => p.pod.name === 'helper')?.pod.profile).toBe('codex');
      expect(every.find((p) => p.pod.name === 'pal')?.pod).not.toHaveProperty('profile');
    });

    it('lists every Pod sorted by code unit, each with the lease on it as stored', async () => {
      await inRun(f, (r) => r.pods.add(operatorPod('Zulu')));
      const got = await inRun(f, (r) => r.listing.everyPod());
      const pods = byName<Pod>((p) => p.name)([...world.pods, ...world.spawned, operatorPod('Zulu')]);
      expect(got.map((p) => p.pod)).toEqual(pods);
      expect(got[0]?.pod.name).toBe('Zulu');
      expect(got.map((p) => p.lease)).toEqual(pods.map((p) => leases.find((l) => l.pod === p.name)));
      expect(Object.keys(got.find((p) => p.pod.name === 'zed') ?? {})).toEqual(['pod']);
    });

    it('gives the overview of every Pod: its lease, newest entry, unseen input among its last entries, and its peers with their auto-runs', async () => {
      const append = (pod: string, body: Parameters<Repositories['history']['append']>[1], at = T0) => inRun(f, (r) => r.history.append(name(pod), body, at));
      await append('me', { kind: 'user_input', text: 'answered', origin: { type: 'operator' } });
      await append('me', { kind: 'assistant_message', text: 'ok', seenThrough: 1 });
      await append('me', { kind: 'user_input', text: 'waiting', origin: { type: 'operator' } });
      await append('me', { kind: 'tool_result', callId: 'c', tool: 'ListPods', outcome: 'ok', summary: 's' });
      await append('me', { kind: 'notice', code: 'ping_pong_breaker', text: 'held', seenThrough: 2 }, later(99));
      const rows = await inRun(f, (r) => r.listing.overview());
      expect(rows.map((row) => row.pod.name)).toEqual((await inRun(f, (r) => r.listing.everyPod())).map((p) => p.pod.name));
      const me = rows.find((row) => row.pod.name === 'me');
      expect(me).toMatchObject({ last: { seq: 5, kind: 'notice', at: later(99), code: 'ping_pong_breaker' }, unseenInput: 1 });
      expect(me?.lease).toEqual(leases.find((l) => l.pod === 'me'));
      expect(me?.peers).toEqual(world.relations.filter((r) => r.a === 'me' || r.b === 'me').map((r) => ({ name: otherSide(r, name('me')), autoTurns: r.autoTurns })).sort((x, y) => (x.name < y.name ? -1 : 1)));
      const quiet = rows.find((row) => row.pod.name === 'gone');
      expect(quiet).toEqual({ pod: world.spawned.find((p) => p.name === 'gone'), unseenInput: 0, peers: [] });
      expect(await inRun(f, (r) => r.listing.overview([name('me'), name('nobody')]))).toEqual([me]);
    });

    it('counts unseen input among a Pod\'s last OVERVIEW_TAIL entries only', async () => {
      for (let i = 0; i < OVERVIEW_TAIL + 10; i++) await inRun(f, (r) => r.history.append(name('zed'), { kind: 'user_input', text: `m${i}`, origin: { type: 'operator' } }, T0));
      const [zed] = await inRun(f, (r) => r.listing.overview([name('zed')]));
      expect(zed).toMatchObject({ unseenInput: OVERVIEW_TAIL, last: { seq: OVERVIEW_TAIL + 10, kind: 'user_input' } });
    });

    it('answers the same in a single-read unit as in any other', async () => {
      const read = (options?: { readonly singleRead: true }) =>
        Promise.all([
          f().uow().run((r) => r.listing.surroundings(name('me')), options),
          f().uow().run((r) => r.listing.everyPod(), options),
        ]);
      expect(await read({ singleRead: true })).toEqual(await read());
    });
  });
}
