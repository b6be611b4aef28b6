import { describe, expect, it } from 'vitest';
import { AUTHORITY, authorize, briefRefusal, describeRefusal, refusalFor, standingOf } from '../../src/domain/authority.js';
import type { ChildOwnership } from '../../src/domain/child-ownership.js';
import type { PeerRelation } from '../../src/domain/peer-relation.js';
import { describePeeringRefusal, peeringRefusal } from '../../src/domain/peering.js';
import { decideAutoRun, PING_PONG_LIMIT } from '../../src/domain/ping-pong-breaker.js';
import { isLive, statusOf } from '../../src/domain/pod-status.js';
import { visibilitySet, visibleInOrder } from '../../src/domain/visibility.js';
import { name } from '../support/world.js';

const at = new Date('2026-01-01T00:00:00Z');
const child = (parent: string, c: string, state: ChildOwnership['state'] = 'outstanding'): ChildOwnership =>
  ({ parent: name(parent), child: name(c), scope: [], state, spawnedAt: at, outputCursor: 0 });
const relation = (a: string, b: string): PeerRelation =>
  ({ id: `rel_${a}_${b}`, a: name(a), b: name(b), since: at, initiatedFrom: name(a), auditId: 'aud', lastPairSeq: 0, autoTurns: 0 });

describe('visibilitySet', () => {
  it('is self, own children (any state) and peers; nothing else', () => {
    const set = visibilitySet(name('me'), [child('me', 'k1'), child('me', 'k2', 'stopped'), child('other', 'k3')], [relation('me', 'p'), relation('x', 'y')]);
    expect([...set].map(([n, v]) => [n, v.reason])).toEqual([['me', 'self'], ['k1', 'spawned_child'], ['k2', 'spawned_child'], ['p', 'peer']]);
  });
  it('gives the first reason in the order self, child, peer', () => {
    const set = visibilitySet(name('me'), [child('me', 'both')], [relation('both', 'me'), relation('me', 'zz')]);
    expect(set.get(name('both'))?.reason).toBe('spawned_child');
  });
});

describe('visibleInOrder', () => {
  it('is the visibility set sorted by code unit, each Pod once with the reason that wins', () => {
    // Deterministic pseudo-random worlds: names from a small pool, so children, peers, the
    // caller itself and other parents' children collide often.
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pool = ['me', 'Me', 'a', 'b', 'B', 'c', 'é', 'z', 'zz', 'a-1', 'a_1'];
    for (let world = 0; world < 300; world += 1) {
      const pick = () => pool[next(pool.length)]!;
      const children = Array.from({ length: next(6) }, () => child(next(4) === 0 ? pick() : 'me', pick(), next(2) === 0 ? 'stopped' : 'outstanding'));
      const relations = Array.from({ length: next(6) }, () => {
        const [x, y] = [next(2) === 0 ? 'me' : pick(), pick()].sort();
        return relation(x!, y!);
      }).filter((r) => r.a !== r.b);
      const expected = [...visibilitySet(name('me'), children, relations).values()].sort((x, y) => (x.name < y.name ? -1 : 1));
      const got = visibleInOrder(name('me'), children, relations);
      expect(got.map(({ index: _, ...pod }) => pod)).toEqual(expected);
      // Each keeps the position of what it is visible through.
      for (const v of got) {
        if (v.reason === 'spawned_child') expect(children[v.index]).toBe(v.child);
        else if (v.reason === 'peer') expect(relations[v.index]).toBe(v.peer);
        else expect(v.index).toBe(-1);
      }
    }
  });
});

describe('authorize', () => {
  const visible = visibilitySet(name('me'), [child('me', 'kid'), child('me', 'old', 'stopped')], [relation('me', 'pal')]);
  it('follows the AUTHORITY table for every power and standing', () => {
    for (const [power, row] of Object.entries(AUTHORITY)) {
      expect(Object.keys(row).sort()).toEqual(['peer', 'self', 'spawned_child', 'stopped_child']);
      for (const [standing, grant] of Object.entries(row)) {
        const target = { self: 'me', spawned_child: 'kid', stopped_child: 'old', peer: 'pal' }[standing] ?? '';
        expect(authorize(name('me'), power as keyof typeof AUTHORITY, target, visible).ok, `${power} on ${standing}`).toBe(grant === 'yes');
      }
    }
  });
  it('refuses a stopped child a user turn, and a child of either state a peer message, each in its own words', () => {
    const said = (power: keyof typeof AUTHORITY, target: string) => {
      const r = authorize(name('me'), power, target, visible);
      return r.ok ? '' : describeRefusal(r.error);
    };
    expect(said('send', 'old')).toBe('pod `old` was stopped with StopPod; restore it with RestorePod before sending to it');
    expect(said('send_peer', 'old')).toBe('pod `old` is a spawned child of `me`, not a peer; use SendToPod');
    expect(said('send_peer', 'kid')).toBe('pod `kid` is a spawned child of `me`, not a peer; use SendToPod');
  });
  it('gives one refusal for a Pod already seen, from the same table, with a brief form for listings', () => {
    for (const [power, row] of Object.entries(AUTHORITY)) {
      for (const [name_, pod] of visible) {
        const refusal = refusalFor(name('me'), power as keyof typeof AUTHORITY, pod);
        expect(refusal === undefined, `${power} on ${name_}`).toBe(row[standingOf(pod)] === 'yes');
      }
    }
    const self = refusalFor(name('me'), 'restore', { name: name('me'), reason: 'self' });
    expect(self && briefRefusal(self)).toBe('this is the calling Pod');
  });
  it('refuses a peer the powers of a child with the message SPEC §2 gives', () => {
    const r = authorize(name('a'), 'send', 'b', visibilitySet(name('a'), [], [relation('a', 'b')]));
    expect(r.ok ? '' : describeRefusal(r.error)).toBe('pod `b` is a peer of `a`, not its spawned child; use SendToPeerPod');
  });
});

describe('peeringRefusal', () => {
  const parents = new Map([[name('kid'), name('me')], [name('grandkid'), name('kid')]]);
  const parentOf = (pod: string) => parents.get(name(pod));
  it('refuses a Pod and itself from the names alone, and a parent and its child in either order', () => {
    expect(peeringRefusal(name('me'), name('me'))).toEqual({ type: 'SelfPeer', name: 'me' });
    expect(peeringRefusal(name('me'), name('kid'))).toBeUndefined();
    expect(peeringRefusal(name('me'), name('kid'), parentOf)).toEqual({ type: 'ParentChildPair', parent: 'me', child: 'kid' });
    expect(peeringRefusal(name('kid'), name('me'), parentOf)).toEqual({ type: 'ParentChildPair', parent: 'me', child: 'kid' });
  });
  it('lets any other pair be peers: siblings, a grandparent and its grandchild, strangers', () => {
    for (const [a, b] of [['kid', 'pal'], ['me', 'grandkid'], ['pal', 'far']] as const) expect(peeringRefusal(name(a), name(b), parentOf)).toBeUndefined();
  });
  it('says each refusal one way', () => {
    expect(describePeeringRefusal({ type: 'SelfPeer', name: name('me') })).toBe('a Pod is not its own peer (`me`)');
    expect(describePeeringRefusal({ type: 'ParentChildPair', parent: name('me'), child: name('kid') }))
      .toBe('pod `kid` is a spawned child of `me`; a parent and its child are never peers (the parent uses SendToPod)');
  });
});

describe('ping-pong breaker', () => {
  it(`allows ${PING_PONG_LIMIT} auto-runs and withholds the next`, () => {
    expect(Array.from({ length: PING_PONG_LIMIT + 2 }, (_, n) => decideAutoRun(n).run)).toEqual([
      ...Array(PING_PONG_LIMIT).fill(true), false, false,
    ]);
  });
});

describe('liveness', () => {
  it('a lease is live until it expires', () => {
    const lease = { pod: name('p'), hostId: 'h', status: 'running' as const, expiresAt: new Date(at.getTime() + 1000), driver: 'model' as const };
    expect(isLive(lease, at)).toBe(true);
    expect(statusOf(lease, at)).toBe('running');
    expect(statusOf(lease, new Date(at.getTime() + 1000))).toBe('stopped');
    expect(statusOf(undefined, at)).toBe('stopped');
  });
});
