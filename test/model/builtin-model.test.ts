import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/application/ports/model.js';
import type { ToolSpec } from '../../src/application/tools/pod-tools.js';
import { BuiltinModel } from '../../src/adapters/model/builtin-model.js';
import type { HistoryEntryBody } from '../../src/domain/history-entry.js';
import { call, event, failed, fromParent, history, notice, operator, peer, pod, result, said } from './entries.js';

const tools: ToolSpec[] = ['ListPods', 'SendToPeerPod'].map((name) => ({
  name,
  description: name,
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
}));
const model = new BuiltinModel();
const request = (...bodies: HistoryEntryBody[]): ModelRequest => ({ pod, history: history(...bodies), tools });
const reply = (...bodies: HistoryEntryBody[]) => model.complete(request(...bodies));
const text = (value: string) => ({ ok: true, text: value, toolCalls: [] });

describe('BuiltinModel', () => {
  it('is labelled builtin', () => {
    expect(model.label).toBe('builtin');
  });

  it('turns `/tool <Tool> <json>` from the operator into one tool call named after the input entry', async () => {
    expect(await reply(said('hi'), operator('/tool SendToPeerPod {"name":"b","message":"hello there"}'))).toEqual({
      ok: true,
      text: '',
      toolCalls: [{ callId: 'call_2', tool: 'SendToPeerPod', input: { name: 'b', message: 'hello there' } }],
    });
  });

  it('runs `/tool` from a parent too, and defaults a missing input to {}', async () => {
    const value = await reply(fromParent('boss', '  /tool ListPods  '));
    expect(value).toEqual({ ok: true, text: '', toolCalls: [{ callId: 'call_1', tool: 'ListPods', input: {} }] });
  });

  it('passes an unknown tool name through so the tool surface reports it', async () => {
    const value = await reply(operator('/tool Frobnicate {"x":1}'));
    expect(value).toEqual({ ok: true, text: '', toolCalls: [{ callId: 'call_1', tool: 'Frobnicate', input: { x: 1 } }] });
  });

  it('explains the expected form and the parse error for bad JSON, with no tool call', async () => {
    const value = await reply(operator('/tool ListPods {name:'));
    expect(value).toMatchObject({ ok: true, toolCalls: [] });
    const message = value.ok ? value.text : '';
    expect(message).toContain('the input is not valid JSON (');
    expect(message).toContain('Expected `/tool <ToolName> <json>`');
    expect(message).toContain('Tools: ListPods, SendToPeerPod.');
  });

  it('asks for a tool name when `/tool` has none', async () => {
    const value = await reply(operator('/tool'));
    expect(value.ok && value.text).toMatch(/^Cannot run that: a tool name is missing\. Expected/);
  });

  it('never lets a peer drive its tools', async () => {
    expect(await reply(peer('a', 4, '/tool ListPods {}'))).toEqual(text('Received peer message #4 from `a`: /tool ListPods {}'));
  });

  it('summarises the tool results of the last step and stops', async () => {
    const value = await reply(
      operator('/tool SendToPeerPod {}'),
      call('call_1', 'SendToPeerPod', {}),
      call('call_1b', 'SendToPod', {}),
      result('call_1', 'SendToPeerPod', 'sent peer message to `b`; it started a turn', { pair_seq: 1 }),
      failed('call_1b', 'SendToPod', 'invalid_argument', 'pod `c` is not visible to this Pod'),
    );
    expect(value).toEqual(
      text('SendToPeerPod → sent peer message to `b`; it started a turn\nSendToPod failed (invalid_argument): pod `c` is not visible to this Pod'),
    );
  });

  it('echoes operator input and labels input from a parent', async () => {
    expect(await reply(operator('hello'))).toEqual(text('You said: hello'));
    expect(await reply(fromParent('boss', 'report'))).toEqual(text('Received from parent `boss`: report'));
  });

  it('acknowledges child events and notices', async () => {
    expect(await reply(event('kid', 'errored', 'boom'))).toEqual(text('Acknowledged. [Pod event] child `kid` errored: boom'));
    expect(await reply(said('x', 0), notice('breaker'))).toEqual(text('Acknowledged. [Notice: ping_pong_breaker] breaker'));
  });

  it('answers every input the previous reply had not seen, in order', async () => {
    const value = await reply(operator('first'), peer('a', 1, 'during'), said('You said: first', 1), event('k', 'finished'));
    expect(value).toEqual(text('Received peer message #1 from `a`: during\nAcknowledged. [Pod event] child `k` finished its turn'));
    expect(await reply(operator('first'), peer('a', 1, 'during'), said('You said: first', 1))).toEqual(
      text('Received peer message #1 from `a`: during'),
    );
  });

  it('runs every `/tool` line typed since its last answer, none dropped, beside what it says to the rest', async () => {
    expect(await reply(operator('/tool SpawnPod {"name":"kid"}'), operator('hello'), operator('/tool ListPods {}'))).toEqual({
      ok: true,
      text: 'You said: hello',
      toolCalls: [{ callId: 'call_1', tool: 'SpawnPod', input: { name: 'kid' } }, { callId: 'call_3', tool: 'ListPods', input: {} }],
    });
  });

  it('says so when there is nothing new to answer', async () => {
    expect(await reply()).toEqual(text('Nothing new to answer.'));
    expect(await reply(operator('hi'), said('You said: hi'))).toEqual(text('Nothing new to answer.'));
  });

  it('is deterministic: the same history gives the same reply', async () => {
    const bodies = [operator('/tool ListPods {}'), call('call_1', 'ListPods', {}), result('call_1', 'ListPods', '2 pods'), operator('/tool ListPods')];
    expect(await reply(...bodies)).toEqual(await reply(...bodies));
    expect(await reply(...bodies)).toEqual({ ok: true, text: '', toolCalls: [{ callId: 'call_4', tool: 'ListPods', input: {} }] });
  });

  it('reports a cancelled request instead of answering it', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await model.complete({ ...request(operator('hi')), signal: controller.signal })).toEqual({ ok: false, error: 'model request cancelled' });
  });
});
