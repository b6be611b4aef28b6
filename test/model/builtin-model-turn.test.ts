import { beforeEach, describe, expect, it } from 'vitest';
import { BuiltinModel } from '../../src/adapters/model/builtin-model.js';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { toTranscript } from '../../src/application/model-transcript.js';
import { body, makeWorld, name, type World } from '../support/world.js';

describe('BuiltinModel driving real turns', () => {
  let w: World;
  beforeEach(async () => {
    w = makeWorld(new InMemoryUnitOfWork(), new BuiltinModel());
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
  });

  const say = async (pod: string, text: string) => {
    await w.operatorInput.execute({ pod: name(pod), text: body(text) });
    return w.runTurn.execute({ pod: name(pod) });
  };
  const lastWords = async (pod: string) => (await w.history(pod)).filter((e) => e.kind === 'assistant_message').at(-1);

  it('runs a tool from operator input, then summarises its result and ends the turn', async () => {
    expect(await say('a', '/tool SendToPeerPod {"name":"b","message":"hello b"}')).toMatchObject({ ok: true, value: { end: 'finished', steps: 2 } });
    expect((await w.history('a')).map((e) => e.kind)).toEqual(['user_input', 'tool_call', 'tool_result', 'assistant_message']);
    expect(await lastWords('a')).toMatchObject({ text: expect.stringMatching(/^SendToPeerPod → sent peer message to `b`; /) });
    expect(await w.history('b')).toMatchObject([{ kind: 'peer_message', from: 'a', body: 'hello b' }]);
  });

  it('shows the tool surface\'s typed error for a refused call', async () => {
    await say('a', '/tool SendToPod {"name":"b","message":"obey"}');
    expect(await lastWords('a')).toMatchObject({ text: expect.stringMatching(/^SendToPod failed \(invalid_argument\): pod `b` is a peer of `a`/) });
  });

  it('answers a peer message without running the tool it asks for', async () => {
    await w.deliver.execute({ from: name('b'), to: name('a'), body: body('/tool ListPods {}') });
    expect(await w.runTurn.execute({ pod: name('a') })).toMatchObject({ ok: true, value: { end: 'finished', steps: 1 } });
    expect(await lastWords('a')).toMatchObject({ text: 'Received peer message #1 from `b`: /tool ListPods {}' });
  });

  it('leaves a history whose transcript pairs every call with its result', async () => {
    await say('a', '/tool ListPods');
    await say('a', 'thanks');
    expect(toTranscript(await w.history('a')).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user', 'assistant']);
  });
});
