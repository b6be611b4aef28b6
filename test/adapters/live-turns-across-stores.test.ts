import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyUnitOfWork } from '../../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { openPostgresStore } from '../../src/adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../../src/adapters/persistence/postgres/sql-store.js';
import type { ModelReply } from '../../src/application/ports/model.js';
import type { PodEvent } from '../../src/application/ports/pod-events.js';
import { CancelTurn } from '../../src/application/use-cases/cancel-turn.js';
import { ScriptedModel, says } from '../support/scripted-model.js';
import { openPostgresTestStore, type SqlTestStore } from '../support/test-stores.js';
import { until } from '../support/until.js';
import { body, makeWorld, name, type World } from '../support/world.js';
import { operatorPod } from '../contracts/contract-fixture.js';

/**
 * Two processes on one server, as two stores: a host (the world) runs a Pod; the other hears
 * its turns only through the store's channels, and asks it to cancel through them.
 */
describe('live turns across processes (managed server)', () => {
  let host: SqlTestStore & { readonly url: string };
  let viewer: SqlStore;
  let w: World;
  let model: ScriptedModel;
  let elsewhere: SqlTestStore & { readonly url: string };
  const heard: PodEvent[] = [];
  const heardElsewhere: PodEvent[] = [];
  beforeAll(async () => {
    host = await openPostgresTestStore();
    viewer = await openPostgresStore(host.url, { max: 2 });
    viewer.events.subscribe((e) => heard.push(e));
    await viewer.listening();
    // A store in another schema of the same database (docs/cli.md allows one per schema).
    elsewhere = await openPostgresTestStore();
    elsewhere.store.events.subscribe((e) => heardElsewhere.push(e));
    await elsewhere.store.listening();
    model = new ScriptedModel();
    w = makeWorld(host.uow(), model);
    w.runtime.start();
    await w.create('main');
    expect(await w.runtime.attach(name('main'))).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await w?.runtime.shutdown();
    await viewer?.close();
    await elsewhere?.dispose();
    await host?.dispose();
  });

  it('hears the turn start, its streamed text before the commit, and its end, in order, each once', async () => {
    heard.length = 0;
    let committedWhileStreaming: boolean | undefined;
    model.push(async (request) => {
      for (const word of ['Once ', 'upon ', 'a ', 'time']) request.onStream?.({ type: 'text', delta: word });
      await until(async () => (heard.some((e) => e.type === 'text') ? true : undefined), 5_000, 'text heard in the other process');
      committedWhileStreaming = (await w.history('main')).some((e) => e.kind === 'assistant_message');
      return says('Once upon a time');
    });
    await w.operatorInput.execute({ pod: name('main'), text: body('a story') });
    await until(async () => (heard.some((e) => e.type === 'turn_ended') ? true : undefined), 5_000, 'the end heard');
    expect(committedWhileStreaming).toBe(false);
    const turn = heard.filter((e) => e.type !== 'committed');
    expect(turn.map((e) => e.type)).toEqual(['turn_started', 'step_started', ...turn.filter((e) => e.type === 'text').map(() => 'text'), 'step_committed', 'turn_ended']);
    expect(turn.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('')).toBe('Once upon a time');
    expect(turn[0]).toEqual({ type: 'turn_started', pod: 'main', hostId: w.host.hostId });
    expect(turn.at(-1)).toMatchObject({ type: 'turn_ended', pod: 'main', end: 'finished', steps: 1, answered: 1 });
    // The commits come too, once each.
    expect(heard.filter((e) => e.type === 'committed' && e.pod === 'main' && e.changes.history)).toHaveLength(2);
  });

  it('is not heard by a store in another schema of the same database, which hears its own', async () => {
    heard.length = 0;
    heardElsewhere.length = 0;
    model.push(async () => says('quiet'));
    await w.operatorInput.execute({ pod: name('main'), text: body('anyone there?') });
    await until(async () => (heard.some((e) => e.type === 'turn_ended') ? true : undefined), 5_000, 'the end heard in this schema');
    // The other schema's own commit, made by another process (a second store on it), comes after ours on the same server.
    const other = await openPostgresStore(elsewhere.url, { max: 1 });
    try {
      await new KyselyUnitOfWork(other.db).run(async (repos) => repos.pods.add(operatorPod('main')));
      await until(async () => (heardElsewhere.some((e) => e.type === 'committed') ? true : undefined), 5_000, 'the other schema\'s own commit heard');
    } finally {
      await other.close();
    }
    expect(heardElsewhere.every((e) => e.type === 'committed')).toBe(true);
    expect(heardElsewhere).toHaveLength(1);
  });

  it('cancels a turn from the other process: the host answers and records the cancel; a Pod nobody runs is refused', async () => {
    heard.length = 0;
    model.push((request) => new Promise<ModelReply>((resolve) => {
      request.onStream?.({ type: 'text', delta: 'thinking' });
      request.signal?.addEventListener('abort', () => resolve({ ok: false, error: 'aborted' }));
    }));
    await w.operatorInput.execute({ pod: name('main'), text: body('think forever') });
    await until(async () => (heard.some((e) => e.type === 'text') ? true : undefined), 5_000, 'the turn streaming');
    const cancel = new CancelTurn(new KyselyUnitOfWork(viewer.db), viewer.events, w.clock);
    expect(await cancel.execute({ pod: name('main') })).toEqual({ ok: true, value: { outcome: 'cancelled', hostId: w.host.hostId } });
    await until(async () => (heard.some((e) => e.type === 'turn_ended') ? true : undefined), 5_000, 'the end heard');
    expect(heard.find((e) => e.type === 'turn_ended')).toMatchObject({ end: 'cancelled' });
    expect((await w.history('main')).at(-1)).toMatchObject({ kind: 'notice', code: 'turn_cancelled' });
    expect(await cancel.execute({ pod: name('main') })).toEqual({ ok: true, value: { outcome: 'no_turn', hostId: w.host.hostId } });
    await w.create('idle');
    expect(await cancel.execute({ pod: name('idle') })).toEqual({ ok: false, error: { type: 'NotRunning', pod: 'idle' } });
  });

  it('says the host did not answer within the bound when the host is gone but its lease lives', async () => {
    await w.create('orphan');
    await w.goLive('orphan', 'running', 'host_dead');
    const cancel = new CancelTurn(new KyselyUnitOfWork(viewer.db), viewer.events, w.clock);
    const started = Date.now();
    expect(await cancel.execute({ pod: name('orphan'), waitMs: 300 })).toMatchObject({ ok: false, error: { type: 'NoAnswer', hostId: 'host_dead' } });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
