import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { inMemoryRepositories } from '../../src/adapters/persistence/in-memory/in-memory-repositories.js';
import type { Repositories } from '../../src/application/ports/unit-of-work.js';
import { says, ScriptedModel } from '../support/scripted-model.js';
import { body, makeWorld, name, type World } from '../support/world.js';
import { eventually } from '../support/until.js';

type Call = { readonly unit: number; readonly method: string; readonly pods: number; readonly pod?: string };

/** The in-memory store, recording every repository call with the unit of work it ran in and how many Pods it named. */
class CountingUnitOfWork extends InMemoryUnitOfWork {
  units = 0;
  readonly calls: Call[] = [];
  override run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    const unit = ++this.units;
    return super.run((repos) => work(this.counted(repos, unit)));
  }

  private counted(repos: Repositories, unit: number): Repositories {
    const calls = this.calls;
    const wrap = <R extends object>(repo: R, label: string): R =>
      new Proxy(repo, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            const many = args.find((a): a is readonly unknown[] => Array.isArray(a));
            calls.push({ unit, method: `${label}.${String(key)}`, pods: many?.length ?? 1, ...(typeof args[0] === 'string' ? { pod: args[0] } : {}) });
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    return Object.fromEntries(Object.entries(repos).map(([label, repo]) => [label, wrap(repo as object, label)])) as Repositories;
  }
}


const LEASE_TTL_MS = 240; // a renewal every 80 ms
const POLL_MS = 60;

describe('an idle host costs the store the same whatever its number of Pods', () => {
  let w: World | undefined;
  afterEach(async () => w?.runtime.shutdown());

  async function hosting(pods: number) {
    const uow = new CountingUnitOfWork();
    const world = makeWorld(uow, new ScriptedModel(), { leaseTtlMs: LEASE_TTL_MS, pollMs: POLL_MS });
    w = world;
    world.runtime.start();
    for (let i = 0; i < pods; i += 1) {
      await world.create(`p${i}`);
      expect(await world.runtime.attach(name(`p${i}`))).toMatchObject({ ok: true });
    }
    await world.runtime.settle();
    return { uow, world };
  }

  /** The calls of an idle window of `renewals` renewal periods (counted by the renewals themselves, no fixed sleep). */
  async function idleWindow(uow: CountingUnitOfWork, renewals: number): Promise<{ calls: readonly Call[]; ms: number }> {
    const from = uow.calls.length;
    const started = Date.now();
    const renewed = () => uow.calls.slice(from).filter((c) => c.method === 'leases.renewAll').length;
    await eventually(`${renewals} renewals`, () => renewed() >= renewals);
    return { calls: uow.calls.slice(from), ms: Date.now() - started };
  }

  for (const pods of [1, 40]) {
    it(`renews all ${pods} leases in one call per period, and catches up on history in one read per poll (nothing per Pod)`, async () => {
      const { uow } = await hosting(pods);
      const { calls, ms } = await idleWindow(uow, 4);
      const methods = new Set(calls.map((c) => c.method));
      expect([...methods].sort()).toEqual(['history.headsBeyond', 'leases.renewAll']);
      // Each call names every Pod, and is a unit of work of its own.
      for (const call of calls) expect(call.pods).toBe(pods);
      expect(new Set(calls.map((c) => c.unit)).size).toBe(calls.length);
      // One renewal per period, one catch-up per poll (timers may run late, never more often).
      const periods = (per: number) => Math.floor(ms / per) + 2;
      expect(calls.filter((c) => c.method === 'leases.renewAll').length).toBeLessThanOrEqual(periods(LEASE_TTL_MS / 3));
      expect(calls.filter((c) => c.method === 'history.headsBeyond').length).toBeLessThanOrEqual(periods(POLL_MS));
    });
  }

  it('answers input whose event was lost, found by the catch-up read, and looks at no other Pod', async () => {
    const { uow, world } = await hosting(20);
    const model = world.model as ScriptedModel;
    model.push(says('found it without an event'));
    // Written beside every unit of work: no commit event is ever published for it.
    await inMemoryRepositories(uow.tables).history.append(name('p7'), { kind: 'user_input', text: body('psst'), origin: { type: 'operator' } }, world.clock.now());
    expect(world.committed('p7').at(-1)).not.toEqual({ history: true });
    const from = uow.calls.length;
    await eventually('the answer', async () => (await world.history('p7')).some((e) => e.kind === 'assistant_message'));
    await world.runtime.idle(name('p7'));
    const reads = uow.calls.slice(from).filter((c) => c.method === 'history.read' || c.method === 'pods.get');
    expect(reads.length).toBeGreaterThan(0);
    // Only the Pod that grew was read; the other nineteen cost nothing but their share of the catch-up.
    expect(new Set(reads.map((c) => c.pod))).toEqual(new Set(['p7']));
    expect(uow.calls.slice(from).filter((c) => c.method === 'history.headsBeyond').length).toBeGreaterThan(0);
  });
});
