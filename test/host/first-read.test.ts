import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { KnownHistory } from '../../src/application/host/known-history.js';
import { TAIL_PAGE } from '../../src/application/host/read-history-tail.js';
import { transcriptSize } from '../../src/application/model-transcript.js';
import type { HistoryRange } from '../../src/application/ports/history-repository.js';
import type { Repositories, UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import type { HistoryEntry, HistoryEntryBody } from '../../src/domain/history-entry.js';
import { calls, says, ScriptedModel } from '../support/scripted-model.js';
import { makeWorld, name, type World } from '../support/world.js';

/**
 * Issue 25: a host's first read of a Pod is bounded by the context budget, not the history,
 * and the turn it runs is the one the whole read ran (same requests, same commits, same
 * report). Each history below is built twice, in two stores: one host reads it whole (as
 * before: KnownHistory.read without a budget), the other as it does now.
 */
const BUDGET = 2_000;

const input = (text: string): HistoryEntryBody => ({ kind: 'user_input', text, origin: { type: 'operator' } });
const answer = (text: string, seenThrough: number): HistoryEntryBody => ({ kind: 'assistant_message', text, seenThrough });

/** `turns` answered questions of about 100 characters each way. */
async function chat(w: World, turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) {
    const q = await w.append('me', input(`question ${i} ${'q'.repeat(90)}`));
    await w.append('me', answer(`answer ${i} ${'a'.repeat(90)}`, q.seq));
  }
}

type Reads = { entries: number; largest: number; whole: number };

/** A store whose reads of `me` are counted: entries returned, the most at once, and reads of everything after 0 with no bound. */
function counted(store: UnitOfWork, reads: Reads): UnitOfWork {
  return {
    ...store,
    run: (work, options) => store.run((repos) => work({
      ...repos,
      history: Object.assign(Object.create(repos.history) as typeof repos.history, {
        read: async (pod: Parameters<typeof repos.history.read>[0], range?: Parameters<typeof repos.history.read>[1]) => {
          const entries = await repos.history.read(pod, range);
          if (pod === name('me')) {
            reads.entries += entries.length;
            reads.largest = Math.max(reads.largest, entries.length);
            if ((range?.after ?? 0) === 0 && range?.before === undefined && range?.limit === undefined) reads.whole += 1;
          }
          return entries;
        },
      }),
    }), options),
  } as UnitOfWork;
}

type Run = { readonly report: unknown; readonly requests: unknown[]; readonly history: unknown; readonly reads: Reads };

async function turnOn(build: (w: World) => Promise<void>, script: () => ScriptedModel, whole: boolean): Promise<Run> {
  const store = new InMemoryUnitOfWork();
  const setup = makeWorld(store);
  await setup.create('me', ['write:/work']);
  await build(setup);
  const reads = { entries: 0, largest: 0, whole: 0 };
  const model = script();
  const w = makeWorld(counted(store, reads), model, { stepLimit: 4, contextBudget: BUDGET });
  const read = KnownHistory.prototype.read;
  // The whole read: a first read without a budget is what every first read was before.
  const spy = whole ? vi.spyOn(KnownHistory.prototype, 'read').mockImplementation(function (this: KnownHistory, repos, pod) { return read.call(this, repos, pod); }) : undefined;
  try {
    const report = await w.runTurn.execute({ pod: name('me') });
    return { report, requests: model.requests.map((r) => r.history), history: await setup.history('me'), reads };
  } finally {
    spy?.mockRestore();
  }
}

/** The turn on a host that reads the history whole and on one that reads its tail: the same, and what the tail read cost. */
async function bothWays(build: (w: World) => Promise<void>, script: () => ScriptedModel = () => new ScriptedModel()): Promise<{ whole: Run; tail: Run }> {
  const whole = await turnOn(build, script, true);
  const tail = await turnOn(build, script, false);
  expect(whole.reads.whole).toBeGreaterThan(0);
  expect(tail.report).toEqual(whole.report);
  expect(tail.requests).toEqual(whole.requests);
  expect(tail.history).toEqual(whole.history);
  return { whole, tail };
}

describe("a host's first read of a Pod", () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads O(budget) entries of a 5,000-entry Pod whose requests a notice already starts near the head, for the same request', async () => {
    const { whole, tail } = await bothWays(async (w) => {
      await chat(w, 2_500);
      const head = (await w.append('me', input('and now?'))).seq;
      await w.append('me', { kind: 'notice', code: 'context_trimmed', text: 'entries left', seenThrough: head - 1, contextFrom: head - 10 });
      await w.append('me', input('one more'));
    });
    expect(whole.reads.entries).toBeGreaterThan(5_000);
    expect(tail.reads.whole).toBe(0);
    expect(tail.reads.entries).toBeLessThanOrEqual(2 * TAIL_PAGE);
    expect((tail.requests[0] as unknown[]).length).toBe(13); // from the notice's start to the input after it
  });

  it('never holds more than a page of a 5,000-entry Pod that never trimmed, and its first trim names everything that left, as the whole read did', async () => {
    const { tail } = await bothWays(async (w) => {
      await chat(w, 2_500);
      await w.append('me', input('and now?'));
    });
    expect(tail.reads.whole).toBe(0);
    expect(tail.reads.largest).toBeLessThanOrEqual(TAIL_PAGE);
    const notice = (tail.history as { kind: string; text?: string }[]).find((e) => e.kind === 'notice');
    expect(notice?.text).toMatch(/^entries #1–#\d{4} \(\d,\d{3} entries, [\d,]+ characters\) left/);
    // Then the next host stops at that notice.
  });

  it('reads on past a tool call still open where the budget is reached, so the request starts where the whole read started it', async () => {
    const { tail } = await bothWays(async (w) => {
      await chat(w, 200);
      const q = await w.append('me', input('look around'));
      await w.append('me', { kind: 'tool_call', callId: 'call_slow', tool: 'ListPods', input: {}, seenThrough: q.seq });
      // Input that came while the call ran: no request may start among it.
      for (let i = 0; i < TAIL_PAGE + 50; i++) await w.append('me', input(`meanwhile ${i} ${'m'.repeat(90)}`));
      // A notice moves the watermark past that input (so it alone would not send the read further back).
      await w.append('me', { kind: 'notice', code: 'interrupted', text: 'the operator interrupted' });
      await w.append('me', { kind: 'tool_result', callId: 'call_slow', tool: 'ListPods', outcome: 'ok', summary: 'no pods' });
    });
    expect(tail.reads.whole).toBe(0);
  });

  it('reads on to the input that started a turn longer than the budget, where the whole read started its request', async () => {
    const { tail } = await bothWays(async (w) => {
      await chat(w, 200);
      let seen = (await w.append('me', input('look around a lot'))).seq;
      // A host died after the last result: the turn resumes, and no input is in the newest pages.
      for (let i = 0; i < TAIL_PAGE; i++) {
        await w.append('me', { kind: 'tool_call', callId: `look_${i}`, tool: 'ListPods', input: {}, seenThrough: seen });
        seen = (await w.append('me', { kind: 'tool_result', callId: `look_${i}`, tool: 'ListPods', outcome: 'ok', summary: `pods ${'p'.repeat(90)}` })).seq;
      }
    });
    expect(tail.reads.whole).toBe(0);
  });

  it('finds unanswered input older than the budget: the turn answers it all, as the whole read did', async () => {
    const { tail } = await bothWays(async (w) => {
      await chat(w, 1_000);
      for (let i = 0; i < 300; i++) await w.append('me', input(`unanswered ${i} ${'u'.repeat(90)}`));
    });
    expect(tail.reads.whole).toBe(0);
    expect(tail.report).toMatchObject({ ok: true, value: { trigger: { length: 300 } } });
  });

  it('answers a tool call a dead host left without a result, older than the budget, as the whole read did (it reads the history whole then)', async () => {
    const { tail } = await bothWays(async (w) => {
      await chat(w, 500);
      const q = await w.append('me', input('list them'));
      await w.append('me', { kind: 'tool_call', callId: 'call_lost', tool: 'ListPods', input: {}, seenThrough: q.seq });
      for (let i = 0; i < 300; i++) await w.append('me', input(`later ${i} ${'l'.repeat(90)}`));
      // An output past it all (not a turn's: a turn answers such calls first), so the watermark does not reach back to the call.
      const last = await w.append('me', input('still there?'));
      await w.append('me', { kind: 'notice', code: 'run_errored', text: 'the store went away', seenThrough: last.seq });
      await w.append('me', input('and now?'));
    });
    expect(tail.reads.whole).toBe(1);
    expect(tail.history).toContainEqual(expect.objectContaining({ kind: 'tool_result', callId: 'call_lost', outcome: 'execution_failed' }));
  });

  it('finds nothing to do on a long answered history that never trimmed after reading one page (only a turn counts the rest)', async () => {
    const { tail } = await bothWays((w) => chat(w, 2_500));
    expect(tail.report).toMatchObject({ ok: true, value: { end: 'nothing_to_do' } });
    expect(tail.reads.entries).toBe(TAIL_PAGE);
  });

  it('finds nothing to do on a long answered history after reading one page', async () => {
    const { tail } = await bothWays(async (w) => {
      await chat(w, 2_500);
      const q = await w.append('me', input('and now?'));
      await w.append('me', { kind: 'notice', code: 'context_trimmed', text: 'entries left', seenThrough: q.seq - 1, contextFrom: q.seq - 10 });
      await w.append('me', answer('this', q.seq + 1));
    });
    expect(tail.report).toMatchObject({ ok: true, value: { end: 'nothing_to_do' } });
    expect(tail.reads.entries).toBe(TAIL_PAGE);
  });

  it('runs the same steps on a tail as on the whole history: calls, results and trims', async () => {
    const script = () => new ScriptedModel(calls('ListPods', {}, 'c1'), calls('ListPods', {}, 'c2'), says(`done ${'d'.repeat(500)}`));
    const { tail } = await bothWays(async (w) => {
      for (let i = 0; i < 300; i++) {
        const q = await w.append('me', input(`question ${i}`));
        await w.append('me', { kind: 'tool_call', callId: `old_${i}`, tool: 'ListPods', input: {}, seenThrough: q.seq });
        await w.append('me', { kind: 'tool_result', callId: `old_${i}`, tool: 'ListPods', outcome: 'ok', summary: `pods ${'p'.repeat(200)}` });
        await w.append('me', answer(`answer ${i}`, q.seq + 2));
      }
      await w.append('me', input('and now?'));
    }, script);
    expect(tail.reads.whole).toBe(0);
    expect(tail.requests).toHaveLength(3);
  });

  it('reads a tail again, not the whole history, when the store does not continue what it knows (a gap in seqs)', async () => {
    // Questions and answers, and every 500 entries a trim that starts requests 5 entries back.
    const at = (seq: number) => ({
      seq, pod: name('me'), at: new Date(0),
      ...(seq % 500 === 490 ? { kind: 'notice', code: 'context_trimmed', text: 'trimmed', seenThrough: seq - 1, contextFrom: seq - 5 }
        : seq % 2 === 1 ? { kind: 'user_input', text: `#${seq}`, origin: { type: 'operator' } }
        : { kind: 'assistant_message', text: `#${seq}`, seenThrough: seq - 1 }),
    }) as HistoryEntry;
    let store = Array.from({ length: 1_000 }, (_, i) => at(i + 1));
    const ranges: HistoryRange[] = [];
    const repos = {
      history: {
        read: async (_pod: unknown, range: HistoryRange = {}) => {
          ranges.push(range);
          const inRange = store.filter((e) => e.seq > (range.after ?? 0) && e.seq < (range.before ?? Infinity));
          return range.limit === undefined ? inRange : range.before === undefined ? inRange.slice(0, range.limit) : inRange.slice(-range.limit);
        },
      },
    } as unknown as Repositories;
    const known = new KnownHistory();
    expect((await known.read(repos, name('me'), BUDGET)).map((e) => e.seq)).toEqual(store.slice(-TAIL_PAGE).map((e) => e.seq));
    // Not what it knew continued: a different history under the same name.
    store = [...store, ...Array.from({ length: 500 }, (_, i) => at(i + 1_002))];
    ranges.length = 0;
    expect((await known.read(repos, name('me'), BUDGET)).map((e) => e.seq)).toEqual(store.slice(-TAIL_PAGE).map((e) => e.seq));
    expect(ranges).toEqual([{ after: 1_000 }, { after: 0, before: Number.MAX_SAFE_INTEGER, limit: TAIL_PAGE }]);
  });

  it('keeps from a seq an agent still needs, and counts the window it left behind should a model need it', async () => {
    const store = new InMemoryUnitOfWork();
    const w = makeWorld(store);
    await w.create('me');
    await chat(w, 100);
    const known = new KnownHistory();
    const whole = await store.run((repos) => known.read(repos, name('me'), BUDGET));
    expect(whole).toHaveLength(200);
    known.keepFrom(name('me'), 150);
    expect(() => known.windowHead(name('me'))).toThrow(/was not counted/);
    expect(await store.run((repos) => known.settle(repos, name('me')))).toBeUndefined();
    const all = await w.history('me');
    expect(known.windowHead(name('me'))).toEqual({ first: 1, characters: all.slice(0, 149).reduce((sum, e) => sum + transcriptSize(e), 0) });
    expect((await store.run((repos) => known.read(repos, name('me'), BUDGET))).map((e) => e.seq)).toEqual(all.slice(149).map((e) => e.seq));
  });
});
