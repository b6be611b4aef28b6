import { beforeEach, expect, it } from 'vitest';
import { KnownHistory } from '../../src/application/host/known-history.js';
import type { Repositories, UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { calls, says, ScriptedModel } from '../support/scripted-model.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { body, makeWorld, name, type World } from '../support/world.js';

const kinds = (entries: readonly HistoryEntry[]) => entries.map((e) => e.kind);

describeOnEveryStore('RunTurn', (suite) => {
  let w: World;
  let model: ScriptedModel;
  beforeEach(async () => {
    model = new ScriptedModel();
    w = makeWorld(suite.store().uow(), model, { stepLimit: 4 });
    await w.create('me', ['write:/work']);
    await w.create('pal');
    await w.peer('me', 'pal');
  });

  const turn = (pod = 'me') => w.runTurn.execute({ pod: name(pod) });
  const input = (text: string, pod = 'me') => w.operatorInput.execute({ pod: name(pod), text: body(text) });

  it('lets a model wait in ListPods for input it has not seen: input committed while it was thinking ends the wait at once', async () => {
    w = makeWorld(suite.store().uow(), model, { stepLimit: 4, pollMs: 25 }); // same store and Pods, a short poll
    model.push(async () => {
      // Committed after this request was built: the model has not seen it.
      await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'sent while you were thinking' });
      return calls('ListPods', { wait_ms: 20_000 });
    }, says('got it'));
    await input('wait for pal');
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'finished', steps: 2 } });
    const result = (await w.history('me')).find((e) => e.kind === 'tool_result');
    expect(result).toMatchObject({ outcome: 'ok', summary: expect.stringMatching(/; new input arrived after \d+ ms$/) });
    expect(model.requests[1]?.history.some((e) => e.kind === 'peer_message')).toBe(true);
  });

  it('reports the turn as it goes: text before it is committed, each tool call around its run, each step once committed (its host reports its start and end)', async () => {
    const events: string[] = [];
    w.events.subscribe((e) => e.type !== 'committed' && events.push(e.type === 'text' ? `text:${e.delta}` : e.type === 'tool_finished' ? `tool_finished:${e.tool}:${e.outcome}` : e.type));
    let committedWhileStreaming: boolean | undefined;
    model.push(calls('ListPods', {}), async (request) => {
      request.onStream?.({ type: 'text', delta: 'two ' });
      request.onStream?.({ type: 'text', delta: 'pods' });
      committedWhileStreaming = (await w.history('me')).some((e) => e.kind === 'assistant_message');
      return says('two pods');
    });
    await input('list them');
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'finished', steps: 2 } });
    expect(committedWhileStreaming).toBe(false);
    expect(events).toEqual([
      'step_started', 'step_committed', 'tool_started', 'tool_finished:ListPods:ok',
      'step_started', 'text:two ', 'text:pods', 'step_committed',
    ]);
  });

  it('reads the history once, then every turn and step only what committed after the last entry it knows, whatever its length', async () => {
    const reads: (number | undefined)[] = [];
    const store = suite.store().uow();
    const counting: UnitOfWork = {
      run: (work) => store.run((repos) => work({
        ...repos,
        history: Object.assign(Object.create(repos.history) as typeof repos.history, {
          read: (pod: Parameters<typeof repos.history.read>[0], range?: Parameters<typeof repos.history.read>[1]) => {
            if (pod === name('me')) reads.push(range?.after);
            return repos.history.read(pod, range);
          },
        }),
      })),
    };
    w = makeWorld(counting, model, { stepLimit: 4 }); // same store and Pods
    for (let i = 0; i < 30; i++) await w.append('me', { kind: 'assistant_message', text: `old ${i}` });
    model.push(calls('ListPods', {}), calls('ListPods', {}, 'call_2'), says('done'));
    await input('go');
    reads.length = 0;
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'finished', steps: 3 } });
    const turnReads = [...reads];
    const entries = await w.history('me');
    expect(model.requests.map((r) => r.history.length)).toEqual([31, 33, 35]);
    expect(model.requests.at(-1)?.history).toEqual(entries.slice(0, 35));
    // One whole read (after 0) to find what to answer, then each step asks only for entries after the last it has.
    expect(turnReads).toEqual([0, 31, 31, 33]);

    // The next turn starts from what the last step read (#35; the reply #36 it committed
    // itself comes back with the new input): no whole read again.
    model.push(says('again'));
    await input('once more');
    reads.length = 0;
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'finished', steps: 1 } });
    expect(reads).toEqual([35, 37]);
    expect(model.requests.at(-1)?.history).toEqual((await w.history('me')).slice(0, 37));
  });

  it('reads the whole history again when the store does not continue what it knows (a gap in seqs)', async () => {
    const known = new KnownHistory();
    const at = (seq: number) => ({ seq, pod: name('me'), at: new Date(0), kind: 'assistant_message', text: `#${seq}` }) as HistoryEntry;
    let store = [at(1)];
    const repos = { history: { read: async (_pod: unknown, range?: { after?: number }) => store.filter((e) => e.seq > (range?.after ?? 0)) } } as unknown as Repositories;
    expect((await known.read(repos, name('me'))).map((e) => e.seq)).toEqual([1]);
    store = [at(1), at(2)];
    expect((await known.read(repos, name('me'))).map((e) => e.seq)).toEqual([1, 2]);
    // Not what it knew continued: a different history under the same name.
    store = [at(1), at(2), at(4), at(5)];
    expect((await known.read(repos, name('me'))).map((e) => e.seq)).toEqual([1, 2, 4, 5]);
    known.forget(name('me'));
    store = [at(7)];
    expect((await known.read(repos, name('me'))).map((e) => e.seq)).toEqual([7]);
  });

  it('does nothing when no input is unanswered', async () => {
    expect(await turn()).toEqual({ ok: true, value: { end: 'nothing_to_do', steps: 0, trigger: [] } });
    expect(model.requests).toEqual([]);
  });

  it('answers input from committed history and records what the answer had seen', async () => {
    model.push(says('hello, operator'));
    await input('hi');
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'finished', steps: 1, trigger: [{ seq: 1 }] } });
    expect(await w.history('me')).toMatchObject([
      { seq: 1, kind: 'user_input', text: 'hi' },
      { seq: 2, kind: 'assistant_message', text: 'hello, operator', seenThrough: 1 },
    ]);
    expect(model.requests[0]?.history).toEqual((await w.history('me')).slice(0, 1));
    expect(model.requests[0]?.tools.map((t) => t.name)).toEqual(w.tools.names());
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'nothing_to_do' } });
  });

  it('commits each tool call and its result before the next model request', async () => {
    model.push(calls('SendToPeerPod', { name: 'pal', message: 'ping' }), says('sent it'));
    await input('tell pal');
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'finished', steps: 2 } });
    const history = await w.history('me');
    expect(kinds(history)).toEqual(['user_input', 'tool_call', 'tool_result', 'assistant_message']);
    expect(history[2]).toMatchObject({ outcome: 'ok', summary: expect.stringMatching(/^sent peer message to `pal`/) });
    expect(model.requests[1]?.history).toEqual(history.slice(0, 3));
    expect(await w.history('pal')).toMatchObject([{ kind: 'peer_message', from: 'me', body: 'ping' }]);
  });

  it('commits a bounded tool result for a 1 MB tool name or a 1 MB unknown field, never an echo of it', async () => {
    const huge = 'x'.repeat(1 << 20);
    model.push(calls(huge, {}, 'call_1'), calls('ListPods', { [huge]: true }), says('done'));
    await input('try the odd ones');
    await turn();
    const [, , nameResult, , fieldResult] = await w.history('me');
    expect(nameResult).toMatchObject({ kind: 'tool_result', outcome: 'invalid_argument', summary: expect.stringMatching(/^unknown tool `x{80}…`; available: SpawnPod, /) });
    expect(fieldResult).toMatchObject({ kind: 'tool_result', outcome: 'invalid_argument', summary: `ListPods: unknown field \`${'x'.repeat(80)}…\`` });
    for (const result of [nameResult, fieldResult]) expect(JSON.stringify(result).length).toBeLessThan(1_000);
  });

  it('records a refused tool call as its typed error, and the turn goes on', async () => {
    model.push(calls('SendToPod', { name: 'pal', message: 'obey' }), says('ok, it is a peer'));
    await input('steer pal');
    await turn();
    expect((await w.history('me'))[2]).toMatchObject({
      kind: 'tool_result', outcome: 'invalid_argument', summary: 'pod `pal` is a peer of `me`, not its spawned child; use SendToPeerPod',
    });
  });

  it('stops at the step limit with a notice', async () => {
    for (let i = 0; i < 5; i++) model.push(calls('ListPods', {}, `c${i}`));
    await input('loop forever');
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'step_limit', steps: 4 } });
    expect((await w.history('me')).at(-1)).toMatchObject({ kind: 'notice', code: 'step_limit' });
    expect(model.requests).toHaveLength(4);
  });

  it('records a failed model request as run_errored without throwing, and does not retry it', async () => {
    model.push({ ok: false, error: 'HTTP 500 from http://127.0.0.1:9/v1/chat/completions' });
    await input('hi');
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'errored' } });
    expect((await w.history('me')).at(-1)).toMatchObject({ kind: 'notice', code: 'run_errored', text: expect.stringContaining('HTTP 500'), seenThrough: 1 });
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'nothing_to_do' } });
  });

  it('sees input committed mid-turn at its next request, and never loses input that came during the last one', async () => {
    model.push(
      async () => {
        await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'during step 1' });
        return calls('ListPods', {});
      },
      async (req) => {
        expect(req.history.some((e) => e.kind === 'peer_message')).toBe(true);
        await w.tool('pal', 'SendToPeerPod', { name: 'me', message: 'during the last step' });
        return says('done');
      },
      says('answering the late one'),
    );
    await input('go');
    await turn();
    const again = await turn();
    expect(again).toMatchObject({ ok: true, value: { end: 'finished', trigger: [{ kind: 'peer_message', body: 'during the last step' }] } });
  });

  it('closes a tool call whose result a crash lost, and does not rerun it', async () => {
    await input('spawn something');
    await w.append('me', { kind: 'tool_call', callId: 'lost', tool: 'SpawnPod', input: { name: 'x', task: 't' }, seenThrough: 1 });
    await input('are you there?');
    model.push(says('yes'));
    await turn();
    const history = await w.history('me');
    expect(history[3]).toMatchObject({ kind: 'tool_result', callId: 'lost', outcome: 'execution_failed' });
    expect(await w.uow.run((t) => t.pods.get(name('x')))).toBeUndefined();
  });

  it('resumes a turn whose host died after a tool result was committed, so the model sees the result', async () => {
    await input('list them');
    await w.append('me', { kind: 'tool_call', callId: 'c1', tool: 'ListPods', input: {}, seenThrough: 1 });
    await w.append('me', { kind: 'tool_result', callId: 'c1', tool: 'ListPods', outcome: 'ok', summary: '2 visible pod(s)' });
    model.push(says('there are two'));
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'finished', trigger: [{ kind: 'tool_result', seq: 3 }] } });
    expect(model.requests[0]?.history.map((e) => e.kind)).toEqual(['user_input', 'tool_call', 'tool_result']);
    expect(await turn()).toMatchObject({ ok: true, value: { end: 'nothing_to_do' } });
  });

  it("reports a child's finished turn to its parent, and only when the parent started it", async () => {
    await w.spawn('me', 'kid');
    model.push(says('task done'));
    expect(await turn('kid')).toMatchObject({ ok: true, value: { end: 'finished', reportedTo: 'me' } });
    expect((await w.history('me')).filter((e) => e.kind === 'pod_event')).toMatchObject([{ child: 'kid', event: 'finished' }]);
    // The parent's host hears of it as of any commit to its history: that is its wake-up.
    expect(w.committed('me').at(-1)).toEqual({ history: true });
    // An operator talking to the child directly is not the parent asking.
    await input('side question', 'kid');
    model.push(says('answer'));
    expect(await turn('kid')).toMatchObject({ ok: true, value: { end: 'finished' } });
    expect((await w.history('me')).filter((e) => e.kind === 'pod_event')).toHaveLength(1);
  });

  it('tells a parent nothing of a child it has stopped (AUTHORITY: hear_completion)', async () => {
    await w.spawn('me', 'kid');
    expect((await w.tool('me', 'StopPod', { name: 'kid' })).ok).toBe(true);
    model.push(says('done anyway'));
    const ended = await turn('kid');
    expect(ended).toMatchObject({ ok: true, value: { end: 'finished' } });
    expect(ended.ok && ended.value.reportedTo).toBeUndefined();
    expect((await w.history('me')).filter((e) => e.kind === 'pod_event')).toEqual([]);
  });

  it("reports a child's failed turn as errored", async () => {
    await w.spawn('me', 'kid');
    model.push({ ok: false, error: 'timeout after 120000 ms' });
    await turn('kid');
    expect((await w.history('me')).at(-1)).toMatchObject({ kind: 'pod_event', child: 'kid', event: 'errored' });
  });

  it('never delivers completion to a peer, and a peer message never reaches a parent as a child event', async () => {
    await w.create('kid2');
    await w.spawn('pal', 'pkid');
    await w.peer('me', 'pkid');
    // pkid is pal's child and me's peer. Its peer-triggered turn reports to no one.
    await w.tool('me', 'SendToPeerPod', { name: 'pkid', message: 'hi from a peer' });
    model.push(says('hello peer'));
    await w.runTurn.execute({ pod: name('pkid') }); // answers the task from pal and the peer message together
    const palEvents = (await w.history('pal')).filter((e) => e.kind === 'pod_event');
    expect(palEvents).toHaveLength(1); // for pal's task, the one input pal sent
    expect((await w.history('me')).filter((e) => e.kind === 'pod_event')).toEqual([]);
    // A second turn triggered by the peer alone: pal hears nothing more.
    await w.tool('me', 'SendToPeerPod', { name: 'pkid', message: 'again' });
    model.push(says('again to you'));
    await w.runTurn.execute({ pod: name('pkid') });
    expect((await w.history('pal')).filter((e) => e.kind === 'pod_event')).toHaveLength(1);
    expect((await w.history('me')).filter((e) => e.kind === 'pod_event')).toEqual([]);
  });
});
