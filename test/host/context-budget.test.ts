import { beforeEach, expect, it } from 'vitest';
import { transcriptSize } from '../../src/application/model-transcript.js';
import type { EntryOf } from '../../src/domain/history-entry.js';
import { calls, says, ScriptedModel } from '../support/scripted-model.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { body, makeWorld, name, type World } from '../support/world.js';

const BUDGET = 2_000;
const size = (entries: readonly Parameters<typeof transcriptSize>[0][]) => entries.reduce((sum, entry) => sum + transcriptSize(entry), 0);

describeOnEveryStore('a model request within the context budget', (suite) => {
  let w: World;
  let model: ScriptedModel;
  beforeEach(async () => {
    model = new ScriptedModel();
    w = makeWorld(suite.store().uow(), model, { stepLimit: 4, contextBudget: BUDGET });
    await w.create('me', ['write:/work']);
  });

  const turn = () => w.runTurn.execute({ pod: name('me') });
  const input = (text: string) => w.operatorInput.execute({ pod: name('me'), text: body(text) });
  const notices = async () => (await w.history('me')).filter((e): e is EntryOf<'notice'> => e.kind === 'notice' && e.code === 'context_trimmed');

  it('lets the oldest turns leave the request with a committed notice naming them, so the request stops growing with history', async () => {
    for (let i = 0; i < 40; i++) {
      model.push(i % 3 === 0 ? calls('ListPods', {}, `call_${i}`) : says(`answer ${i} ${'x'.repeat(80)}`));
      await input(`question ${i} ${'q'.repeat(80)}`);
      expect(await turn()).toMatchObject({ ok: true });
    }
    const trims = await notices();
    expect(trims.length).toBeGreaterThan(2);
    const history = await w.history('me');
    for (const request of model.requests) {
      // Made of committed entries, from where the newest notice before it said, within the budget.
      const first = request.history[0]!;
      const before = trims.filter((n) => n.seq <= request.history.at(-1)!.seq).at(-1);
      expect(first.seq).toBe(before?.contextFrom ?? 1);
      expect(request.history).toEqual(history.filter((e) => e.seq >= first.seq && e.seq <= request.history.at(-1)!.seq));
      expect(size(request.history)).toBeLessThanOrEqual(BUDGET);
    }
    // Each trim is said before the request it shapes, names what left, and leaves three quarters of the budget or less.
    const first = trims[0]!;
    expect(first.text).toMatch(/^entries #1–#\d+ \(\d+ entries, [\d,]+ characters\) left this Pod's model requests, which would otherwise outgrow this host's context budget of 2,000 characters; they stay in its history\. Requests now start at #\d+\.$/);
    expect(history.find((e) => e.seq === first.contextFrom)?.kind).toMatch(/^(user_input|notice)$/);
    expect(size(history.filter((e) => e.seq >= first.contextFrom! && e.seq < first.seq))).toBeLessThanOrEqual(BUDGET * 0.75);
    // Every question was answered: a trim marks nothing as seen.
    expect(history.filter((e) => e.kind === 'user_input').length).toBe(40);
    expect(model.requests.length).toBeGreaterThanOrEqual(40);
  });

  it('starts a fresh host\'s requests where the last notice says', async () => {
    for (let i = 0; i < 20; i++) {
      model.push(says(`answer ${i} ${'x'.repeat(100)}`));
      await input(`question ${i} ${'q'.repeat(100)}`);
      await turn();
    }
    const from = (await notices()).at(-1)?.contextFrom;
    expect(from).toBeGreaterThan(1);
    const fresh = new ScriptedModel(says('fresh'));
    const again = makeWorld(suite.store().uow(), fresh, { stepLimit: 4, contextBudget: BUDGET });
    await again.operatorInput.execute({ pod: name('me'), text: body('one more') });
    expect(await again.runTurn.execute({ pod: name('me') })).toMatchObject({ ok: true, value: { end: 'finished' } });
    expect(fresh.requests[0]?.history[0]?.seq).toBe((await notices()).at(-1)?.contextFrom);
  });
});

it('KnownHistory forgets what left the requests, and goes on from there', async () => {
  const { KnownHistory } = await import('../../src/application/host/known-history.js');
  const { InMemoryUnitOfWork } = await import('../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js');
  const w = makeWorld(new InMemoryUnitOfWork());
  await w.create('me');
  for (let i = 0; i < 10; i++) await w.append('me', { kind: 'assistant_message', text: `a${i}` });
  const known = new KnownHistory();
  const read = () => w.uow.run((repos) => known.read(repos, name('me')));
  expect((await read()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  known.dropBefore(name('me'), 7);
  await w.append('me', { kind: 'assistant_message', text: 'new' });
  expect((await read()).map((e) => e.seq)).toEqual([7, 8, 9, 10, 11]);
  known.dropBefore(name('me'), 3); // already gone: nothing changes
  expect((await read()).map((e) => e.seq)).toEqual([7, 8, 9, 10, 11]);
});
