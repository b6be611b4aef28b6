import { beforeEach, describe, expect, it } from 'vitest';
import { OVERVIEW_TAIL, type ListingPage, type ListingQuery } from '../../src/application/ports/listing-reader.js';
import type { Repositories } from '../../src/application/ports/unit-of-work.js';
import type { ChildOwnership } from '../../src/domain/child-ownership.js';
import { otherSide, type PeerRelation } from '../../src/domain/peer-relation.js';
import type { Pod } from '../../src/domain/pod.js';
import type { Lease } from '../../src/domain/pod-status.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { inRun, later, name, operatorPod, scope, T0, type ContractFixture } from './contract-fixture.js';
import { listingWorldsContract } from './listing-worlds.contract.js';

export const spawned = (raw: string, parent: string): Pod => ({
  name: name(raw),
  scope: [scope('write', `/work/${raw}`), scope('read', '/work', false)],
  origin: { type: 'spawned', parent: name(parent) },
  createdAt: later(7),
});

export const edge = (parent: string, child: string, extra: Partial<ChildOwnership> = {}): ChildOwnership => ({
  parent: name(parent),
  child: name(child),
  scope: [scope('write', `/work/${child}`), scope('read', '/work', false)],
  state: 'outstanding',
  spawnedAt: later(11),
  outputCursor: 0,
  ...extra,
});

export const relation = (x: string, y: string, extra: Partial<PeerRelation> = {}): PeerRelation => {
  const [a, b] = x < y ? [x, y] : [y, x];
  return { id: `rel_${a}_${b}`, a: name(a), b: name(b), since: later(13), initiatedFrom: name(x), auditId: `aud_${a}_${b}`, lastPairSeq: 0, autoTurns: 0, ...extra };
};

/** Takes the lease on `pod` for `hostId` until `until`. */
export const lease = async (r: Repositories, pod: string, hostId: string, until: Date, driver: Lease['driver'] = 'model') => {
  const taken = await r.leases.tryAcquire(name(pod), hostId, T0, until, driver);
  if (!taken.acquired) throw new Error(`lease on ${pod} not taken`);
  return taken.lease;
};

/** The time the pages are read at: after `grandkid`'s lease expired, before every other. */
const NOW = later(1);
const page = (f: ContractFixture, caller: string, query: Partial<ListingQuery> = {}) =>
  inRun(f, (r) => r.listing.page({ caller: name(caller), now: NOW, limit: 50, ...query }));
const names = (read: ListingPage | undefined) => read?.pods.map((p) => `${p.name}:${p.reason}`);

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
    const leaseOn = (pod: string) => leases.find((l) => l.pod === pod);
    beforeEach(async () => {
      leases = await inRun(f, async (r) => {
        for (const pod of [...world.pods, ...world.spawned]) await r.pods.add(pod);
        const taken = [await lease(r, 'me', 'h1', later(10_000), 'mcp'), await lease(r, 'grandkid', 'h2', later(-1))]; // expired at NOW
        for (const e of world.edges) await r.children.add(e); // some leases before their edge, some after
        for (const rel of world.relations) await r.relations.addIfAbsent(rel);
        return [...taken, await lease(r, 'kid', 'h1', later(10_000)), await lease(r, 'palkid', 'h2', later(10_000)), await lease(r, 'far', 'h3', later(10_000)), await lease(r, 'stranger', 'h3', later(10_000))];
      });
    });

    it('gives nothing for a caller that is no Pod', async () => {
      expect(await page(f, 'ghost')).toBeUndefined();
    });

    it('reads each visible Pod field for field, sorted by name, with its lease, profile and children, and nothing of anyone else', async () => {
      const got = await page(f, 'me');
      if (!got) throw new Error('no page for me');
      expect(got.self).toEqual(operatorPod('me'));
      expect(got.self.createdAt).toBeInstanceOf(Date);
      expect(got.pods).toEqual([
        { name: 'gone', reason: 'spawned_child', child: world.edges[1], children: { count: 0, live: 0 } },
        { name: 'kid', reason: 'spawned_child', child: world.edges[0], lease: leaseOn('kid'), children: { count: 1, live: 0 } },
        { name: 'me', reason: 'self', lease: leaseOn('me'), children: { count: 2, live: 1 } },
        { name: 'pal', reason: 'peer', peer: world.relations[0], children: { count: 1, live: 1 } },
        { name: 'zed', reason: 'peer', peer: world.relations[1], children: { count: 0, live: 0 } },
      ]);
      expect(Object.keys(got.pods[1]?.reason === 'spawned_child' ? got.pods[1].child : {})).not.toContain('stoppedAt');
      expect(got.more).toBe(false);
      expect(got.totals).toEqual({ relation: { self: 1, spawned_child: 2, peer: 2 }, status: { idle: 2, running: 0, stopped: 3 } });
    });

    it('gives what the caller has lent whenever a child it stopped is on the page', async () => {
      expect((await page(f, 'me'))?.lent).toEqual(world.edges[0]?.scope);
      expect((await page(f, 'me', { relation: 'spawned_child', status: 'stopped' }))?.lent).toEqual(world.edges[0]?.scope);
    });

    it('pages by name after a cursor, with the same totals on every page', async () => {
      const first = await page(f, 'me', { limit: 2 });
      expect([names(first), first?.more]).toEqual([['gone:spawned_child', 'kid:spawned_child'], true]);
      const second = await page(f, 'me', { limit: 2, after: name('kid') });
      expect([names(second), second?.more]).toEqual([['me:self', 'pal:peer'], true]);
      const last = await page(f, 'me', { limit: 2, after: name('pal') });
      expect([names(last), last?.more]).toEqual([['zed:peer'], false]);
      expect(second?.totals).toEqual(first?.totals);
      expect(names(await page(f, 'me', { after: name('zed') }))).toEqual([]);
    });

    it('filters by relation, status and name prefix, and the totals stay those of the whole set', async () => {
      const whole = (await page(f, 'me'))?.totals;
      const cases: [Partial<ListingQuery>, string[]][] = [
        [{ relation: 'peer' }, ['pal:peer', 'zed:peer']],
        [{ relation: 'self' }, ['me:self']],
        [{ status: 'stopped' }, ['gone:spawned_child', 'pal:peer', 'zed:peer']],
        [{ status: 'idle', relation: 'spawned_child' }, ['kid:spawned_child']],
        [{ status: 'running' }, []],
        [{ prefix: 'z' }, ['zed:peer']],
        [{ prefix: 'm', relation: 'peer' }, []],
        [{ prefix: 'g', after: name('go') }, ['gone:spawned_child']],
      ];
      for (const [query, expected] of cases) {
        const got = await page(f, 'me', query);
        expect([query, names(got)]).toEqual([query, expected]);
        expect(got?.totals).toEqual(whole);
      }
    });

    it('names each Pod once, by the first reason (a peer that is also a child), also when only peers are asked for', async () => {
      await inRun(f, async (r) => {
        await r.pods.add(spawned('both', 'kid'));
        await r.children.add(edge('kid', 'both'));
        await r.relations.addIfAbsent(relation('both', 'kid'));
        await lease(r, 'both', 'h1', later(10_000));
      });
      const got = await page(f, 'kid');
      expect(got?.self).toEqual(spawned('kid', 'me'));
      expect(names(got)).toEqual(['both:spawned_child', 'grandkid:spawned_child', 'kid:self']);
      expect(got?.totals).toEqual({ relation: { self: 1, spawned_child: 2, peer: 0 }, status: { idle: 2, running: 0, stopped: 1 } });
      expect(names(await page(f, 'kid', { relation: 'peer' }))).toEqual([]);
      expect(names(await page(f, 'kid', { limit: 1 }))).toEqual(['both:spawned_child']);
    });

    it('reads a Pod with no one around it', async () => {
      await inRun(f, (r) => r.pods.add(operatorPod('alone')));
      expect(await page(f, 'alone')).toEqual({
        self: operatorPod('alone'),
        pods: [{ name: 'alone', reason: 'self', children: { count: 0, live: 0 } }],
        more: false,
        totals: { relation: { self: 1, spawned_child: 0, peer: 0 }, status: { idle: 0, running: 0, stopped: 1 } },
      });
    });

    it('reads the profile of each Pod on the page, and none for `default`', async () => {
      await inRun(f, async (r) => {
        await r.pods.add({ ...operatorPod('coder'), profile: ProfileName.unsafe('claude') });
        await r.pods.add({ ...spawned('helper', 'coder'), profile: ProfileName.unsafe('codex') });
        await r.pods.add(spawned('plain', 'coder'));
        await r.children.add(edge('coder', 'helper'));
        await r.children.add(edge('coder', 'plain'));
        await r.relations.addIfAbsent(relation('coder', 'pal'));
      });
      const got = await page(f, 'coder');
      expect(got?.self.profile).toBe('claude');
      expect(Object.fromEntries(got?.pods.map((p) => [p.name, p.profile]) ?? [])).toEqual({ coder: 'claude', helper: 'codex', pal: undefined, plain: undefined });
      const store = await inRun(f, (r) => r.listing.storePage({ limit: 50 }));
      expect(store.pods.find((p) => p.pod.name === 'helper')?.pod.profile).toBe('codex');
      expect(store.pods.find((p) => p.pod.name === 'pal')?.pod).not.toHaveProperty('profile');
    });

    it('pages the whole store sorted by code unit, each Pod with the lease on it as stored', async () => {
      await inRun(f, (r) => r.pods.add(operatorPod('Zulu')));
      const sorted = [...world.pods, ...world.spawned, operatorPod('Zulu')].sort((x, y) => (x.name < y.name ? -1 : 1));
      const first = await inRun(f, (r) => r.listing.storePage({ limit: 4 }));
      expect(first.pods.map((p) => p.pod)).toEqual(sorted.slice(0, 4));
      expect(first.pods[0]?.pod.name).toBe('Zulu');
      expect(first.more).toBe(true);
      const rest = await inRun(f, (r) => r.listing.storePage({ limit: 50, after: sorted[3]!.name }));
      expect([...first.pods, ...rest.pods].map((p) => p.lease)).toEqual(sorted.map((p) => leaseOn(p.name)));
      expect(rest.more).toBe(false);
      expect(Object.keys(rest.pods.find((p) => p.pod.name === 'zed') ?? {})).toEqual(['pod']);
      const prefixed = await inRun(f, (r) => r.listing.storePage({ limit: 50, prefix: 'pal' }));
      expect(prefixed.pods.map((p) => p.pod.name)).toEqual(['pal', 'palkid']);
    });

    it('gives the overview of every Pod: its lease, newest entry, unseen input among its last entries, and its peers with their auto-runs', async () => {
      const append = (pod: string, body: Parameters<Repositories['history']['append']>[1], at = T0) => inRun(f, (r) => r.history.append(name(pod), body, at));
      await append('me', { kind: 'user_input', text: 'answered', origin: { type: 'operator' } });
      await append('me', { kind: 'assistant_message', text: 'ok', seenThrough: 1 });
      await append('me', { kind: 'user_input', text: 'waiting', origin: { type: 'operator' } });
      await append('me', { kind: 'tool_result', callId: 'c', tool: 'ListPods', outcome: 'ok', summary: 's' });
      await append('me', { kind: 'notice', code: 'ping_pong_breaker', text: 'held', seenThrough: 2 }, later(99));
      const rows = await inRun(f, (r) => r.listing.overview());
      expect(rows.map((row) => row.pod.name)).toEqual((await inRun(f, (r) => r.listing.storePage({ limit: 1000 }))).pods.map((p) => p.pod.name));
      const me = rows.find((row) => row.pod.name === 'me');
      expect(me).toMatchObject({ last: { seq: 5, kind: 'notice', at: later(99), code: 'ping_pong_breaker' }, unseenInput: 1 });
      expect(me?.lease).toEqual(leaseOn(name('me')));
      expect(me?.peers).toEqual(world.relations.filter((r) => r.a === 'me' || r.b === 'me').map((r) => ({ name: otherSide(r, name('me')), autoTurns: r.autoTurns })).sort((x, y) => (x.name < y.name ? -1 : 1)));
      const quiet = rows.find((row) => row.pod.name === 'gone');
      expect(quiet).toEqual({ pod: world.spawned.find((p) => p.name === 'gone'), unseenInput: 0, peers: [] });
      expect(await inRun(f, (r) => r.listing.overview([name('me'), name('nobody')]))).toEqual([me]);
    });

    it('counts unseen input among a Pod\'s last OVERVIEW_TAIL entries only', async () => {
      for (let i = 0; i < OVERVIEW_TAIL + 10; i++) await inRun(f, (r) => r.history.append(name('zed'), { kind: 'user_input', text: `m${i}`, origin: { type: 'operator' } }, T0));
      const [zed] = await inRun(f, (r) => r.listing.overview([name('zed')]));
      expect(zed).toMatchObject({ unseenInput: OVERVIEW_TAIL, unseenMayBeMore: true, last: { seq: OVERVIEW_TAIL + 10, kind: 'user_input' } });
    });

    it('says the count is exact once the tail shows what a model saw before it began, or the history is all in the tail', async () => {
      const append = (pod: string, body: Parameters<Repositories['history']['append']>[1]) => inRun(f, (r) => r.history.append(name(pod), body, T0));
      const input = (text: string) => ({ kind: 'user_input' as const, text, origin: { type: 'operator' as const } });
      for (let i = 0; i < OVERVIEW_TAIL + 10; i++) await append('zed', input(`m${i}`));
      // The tail now begins at seq 13; an answer in it that saw through 12 leaves nothing older waiting.
      await append('zed', { kind: 'assistant_message', text: 'read them', seenThrough: 12 });
      await append('zed', input('after'));
      // One that saw less leaves older input possibly unseen: a floor again.
      await append('me', input('short history'));
      for (let i = 0; i < OVERVIEW_TAIL + 5; i++) await append('pal', input(`p${i}`));
      await append('pal', { kind: 'assistant_message', text: 'saw little', seenThrough: 1 });
      const rows = await inRun(f, (r) => r.listing.overview([name('zed'), name('me'), name('pal')]));
      const of = (pod: string) => rows.find((row) => row.pod.name === pod);
      expect(of('zed')).toMatchObject({ unseenInput: OVERVIEW_TAIL - 1 });
      expect(of('zed')?.unseenMayBeMore).toBeUndefined();
      expect(of('me')?.unseenMayBeMore).toBeUndefined();
      expect(of('pal')).toMatchObject({ unseenMayBeMore: true });
    });

    it('answers the same in a single-read unit as in any other', async () => {
      const read = (options?: { readonly singleRead: true }) =>
        Promise.all([
          f().uow().run((r) => r.listing.page({ caller: name('me'), now: NOW, limit: 3 }), options),
          f().uow().run((r) => r.listing.storePage({ limit: 3 }), options),
        ]);
      expect(await read({ singleRead: true })).toEqual(await read());
    });
  });
  listingWorldsContract(f);
}
