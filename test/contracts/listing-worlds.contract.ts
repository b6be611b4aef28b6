import { describe, expect, it } from 'vitest';
import type { ListedPod, ListingQuery } from '../../src/application/ports/listing-reader.js';
import { lentScope, type ChildOwnership } from '../../src/domain/child-ownership.js';
import type { PeerRelation } from '../../src/domain/peer-relation.js';
import { isLive, POD_STATUSES, statusOf, type Lease } from '../../src/domain/pod-status.js';
import { matchesFilter, totalsOf, VISIBILITY_REASONS, type VisibleFilter } from '../../src/domain/visible-page.js';
import { visibleInOrder } from '../../src/domain/visibility.js';
import { inRun, later, name, operatorPod, T0, type ContractFixture } from './contract-fixture.js';
import { edge, relation, spawned } from './listing-reader.contract.js';

/** A small deterministic generator (mulberry32), so a failing world can be rebuilt. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NOW = later(1);
type World = { readonly children: ChildOwnership[]; readonly relations: PeerRelation[]; readonly leases: Map<string, Lease> };

/**
 * The domain's answer for one page: the visibility set (`visibleInOrder`), each Pod's status
 * (`statusOf`), the filter (`matchesFilter`), the totals (`totalsOf`), from every row.
 */
function expected(w: World, query: ListingQuery) {
  const caller = query.caller;
  const visible = visibleInOrder(caller, w.children.filter((c) => c.parent === caller), w.relations.filter((r) => r.a === caller || r.b === caller))
    .map((v) => ({ ...v, status: statusOf(w.leases.get(v.name), NOW) }));
  const matching = visible.filter((v) => matchesFilter(query, v.name, v.reason, v.status));
  const childrenOf = (pod: string) => {
    const own = w.children.filter((c) => c.parent === pod);
    return { count: own.length, live: own.filter((c) => isLive(w.leases.get(c.child), NOW)).length };
  };
  return {
    pods: matching.slice(0, query.limit).map((v) => ({ name: v.name, reason: v.reason, lease: w.leases.get(v.name), children: childrenOf(v.name) })),
    more: matching.length > query.limit,
    totals: totalsOf(visible),
  };
}

const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
const shape = (p: ListedPod) => ({ name: p.name, reason: p.reason, lease: p.lease, children: p.children });

export function listingWorldsContract(f: ContractFixture): void {
  describe('ListingReader contract: generated worlds against the domain', () => {
    it('answers every page of every caller as the domain does from all the rows', async () => {
      const next = random(25);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
      const pods = Array.from({ length: 36 }, (_, i) => `p${String(i).padStart(2, '0')}${pick(['', 'a', 'b'])}`);
      const w: World = { children: [], relations: [], leases: new Map() };
      // Parents come before their children in `pods`, so the edges form a forest.
      for (const [i, pod] of pods.entries()) if (i > 2 && next() < 0.7) w.children.push(edge(pick(pods.slice(0, Math.min(i, 8))), pod, next() < 0.3 ? { state: 'stopped', stoppedAt: T0 } : {}));
      const seen = new Set<string>();
      for (let k = 0; k < 60; k++) {
        const [x, y] = [pick(pods), pick(pods)];
        const r = relation(x, y);
        if (x !== y && !seen.has(r.id)) w.relations.push(r), seen.add(r.id);
      }
      await inRun(f, async (r) => {
        for (const pod of pods) {
          const parent = w.children.find((c) => c.child === pod)?.parent;
          await r.pods.add(parent ? spawned(pod, parent) : operatorPod(pod));
        }
        for (const pod of pods) {
          if (next() < 0.35) continue;
          const taken = await r.leases.tryAcquire(name(pod), 'h', T0, later(next() < 0.3 ? -5 : 10_000), pick(['model', 'acp', 'mcp'] as const));
          if (!taken.acquired) throw new Error(`lease on ${pod}`);
          const status = pick(['idle', 'running'] as const);
          const held = next() < 0.4 && (await r.leases.renew(name(pod), 'h', T0, taken.lease.expiresAt, status));
          w.leases.set(pod, held ? { ...taken.lease, status } : taken.lease);
        }
        for (const c of w.children) await r.children.add(c);
        for (const rel of w.relations) await r.relations.addIfAbsent(rel);
      });

      const filters: VisibleFilter[] = [{}, ...VISIBILITY_REASONS.map((relation) => ({ relation })), ...POD_STATUSES.map((status) => ({ status })), { prefix: 'p0' }, { prefix: 'p1', status: 'stopped' }, { relation: 'peer', status: 'idle' }];
      const compared = { pages: 0, more: 0, lent: 0, visible: 0 };
      for (const caller of pods.filter((_, i) => i % 3 === 0)) {
        for (const filter of filters) {
          for (const limit of [1, 3, 50]) {
            let after: string | undefined;
            for (let n = 0; n < 40; n++) {
              const query: ListingQuery = { caller: name(caller), now: NOW, limit, ...filter, ...(after ? { after: name(after) } : {}) };
              const got = await inRun(f, (r) => r.listing.page(query));
              const want = expected(w, query);
              expect({ query, pods: got?.pods.map(shape), more: got?.more, totals: got?.totals }).toEqual({ query, ...want });
              const stopped = got?.pods.some((p) => p.reason === 'spawned_child' && p.child.state === 'stopped');
              compared.pages += 1;
              if (got?.more) compared.more += 1;
              if (got?.lent && got.lent.length > 0) compared.lent += 1;
              compared.visible = Math.max(compared.visible, want.totals.relation.spawned_child + want.totals.relation.peer);
              if (stopped) expect(sorted(got?.lent ?? [])).toEqual(sorted(lentScope(w.children.filter((c) => c.parent === caller))));
              if (!got?.more) break;
              after = got.pods.at(-1)?.name;
            }
          }
        }
      }
      // The worlds exercise what they are for: many pages, callers that see many Pods and lend scope.
      expect(compared.pages).toBeGreaterThan(400);
      expect(compared.more).toBeGreaterThan(50);
      expect(compared.lent).toBeGreaterThan(20);
      expect(compared.visible).toBeGreaterThan(6);
    });
  });
}
