import { describe, expect, it } from 'vitest';
import { ChatRequestBodies } from '../../src/adapters/model/chat-request-bodies.js';
import { toTranscript } from '../../src/application/model-transcript.js';
import type { ToolSpec } from '../../src/application/tools/pod-tools.js';
import { PodName } from '../../src/domain/pod-name.js';
import { call, history, operator, peer, result, said } from './entries.js';

const tools: ToolSpec[] = [{ name: 'ListPods', description: 'List.', inputSchema: { type: 'object', properties: {}, additionalProperties: false } }];
const main = PodName.unsafe('main');

describe('ChatRequestBodies', () => {
  const entries = history(
    operator('hi'), said('hello', 1), { ...call('c1', 'ListPods', {}), seenThrough: 2 } as never, peer('b', 1, 'during the call'),
    result('c1', 'ListPods', 'one Pod'), said('done', 5), operator('again'), { ...call('c2', 'ListPods', { wait_ms: 5 }), seenThrough: 7 } as never,
  );

  it('builds each request on the last: the same body as encoding the whole history afresh, step after step', () => {
    const bodies = new ChatRequestBodies();
    for (let k = 1; k <= entries.length; k++) {
      const built = bodies.body('m', main, entries.slice(0, k), tools, k % 2 === 0).toString('utf8');
      expect(built).toBe(new ChatRequestBodies().body('m', main, entries.slice(0, k), tools, k % 2 === 0).toString('utf8'));
      expect(JSON.parse(built)).toMatchObject({ model: 'm', tools: [{ type: 'function', function: { name: 'ListPods' } }] });
    }
    // The first call joins the reply before it (one step), the peer message waits behind its result, the open call is answered as lost.
    const last = JSON.parse(bodies.body('m', main, entries, [], false).toString('utf8')) as { messages: { role: string }[]; tools?: unknown; stream?: boolean };
    expect(last.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user', 'assistant', 'user', 'assistant', 'tool']);
    expect(last).not.toHaveProperty('tools');
    expect(last).not.toHaveProperty('stream');
  });

  it('keeps the bytes right past many growths of its buffer, with characters of several bytes', () => {
    const long = history(...Array.from({ length: 3_000 }, (_, i) => (i % 2 === 0 ? operator(`question ${i}: opérateur ✓ ${'é'.repeat(i % 50)}`) : said(`answer ${i} 🙂`, i))));
    const bodies = new ChatRequestBodies();
    for (const k of [1, 2, 500, 501, 1_777, 3_000]) {
      expect(bodies.body('m', main, long.slice(0, k), tools, true).toString('utf8')).toBe(new ChatRequestBodies().body('m', main, long.slice(0, k), tools, true).toString('utf8'));
    }
    const parsed = JSON.parse(bodies.body('m', main, long, tools, true).toString('utf8')) as { messages: { role: string; content: string }[] };
    expect(parsed.messages.map((m) => [m.role, m.content])).toEqual(toTranscript(long).map((m) => [m.role, m.content]));
  });

  it('starts afresh for a history that does not continue what it has, and keeps Pods apart', () => {
    const bodies = new ChatRequestBodies();
    bodies.body('m', main, entries, tools, true);
    const other = history(operator('a different story'));
    expect(bodies.body('m', main, other, tools, true)).toEqual(new ChatRequestBodies().body('m', main, other, tools, true));
    expect(bodies.body('m', PodName.unsafe('b'), entries.slice(0, 3), tools, true)).toEqual(new ChatRequestBodies().body('m', main, entries.slice(0, 3), tools, true));
  });

  it('starts afresh when the request\'s window moves on (older entries left it), then builds on the new start', () => {
    const long = history(...Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? operator(`q ${i}`) : said(`a ${i}`, i))));
    const bodies = new ChatRequestBodies();
    bodies.body('m', main, long.slice(0, 30), tools, false);
    for (const window of [long.slice(10, 31), long.slice(10, 36), long.slice(20, 40)]) {
      expect(bodies.body('m', main, window, tools, false).toString('utf8')).toBe(new ChatRequestBodies().body('m', main, window, tools, false).toString('utf8'));
    }
  });
});
