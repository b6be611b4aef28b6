import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/adapters/persistence/postgres/schema/database.js';
import { LIVE_GAP_MS, LiveNotices, QUEUE_LIMIT, TEXT_CHUNK, TEXT_PER_STATEMENT } from '../../src/adapters/persistence/postgres/notify/live-notices.js';
import { LIVE_CHANNEL, readLive } from '../../src/adapters/persistence/postgres/notify/live-payloads.js';
import { PodName } from '../../src/domain/pod-name.js';

const a = PodName.unsafe('a');
const b = PodName.unsafe('b');

/** A pool that records each statement's payloads, and when it was sent. */
function recordingDb() {
  const statements: { readonly at: number; readonly payloads: readonly string[] }[] = [];
  const db = {
    executeQuery: async (query: { parameters: readonly unknown[] }) => {
      const [channel, payloads] = query.parameters as [string, string[]];
      expect(channel).toBe(LIVE_CHANNEL);
      statements.push({ at: performance.now(), payloads });
      return { rows: [] };
    },
  } as unknown as Kysely<Database>;
  return { db, statements, events: () => statements.flatMap((s) => s.payloads.map((p) => readLive(p)?.event)) };
}

describe('LiveNotices (the transient channel, bounded)', () => {
  it('sends a burst as one statement, text of one Pod coalesced, in order, every payload under NOTIFY\'s limit', async () => {
    const { db, statements, events } = recordingDb();
    const live = new LiveNotices(db, 'me');
    live.send({ type: 'turn_started', pod: a, hostId: 'h' });
    for (const word of ['one ', 'two ', 'three']) live.send({ type: 'text', pod: a, delta: word });
    live.send({ type: 'text', pod: b, delta: 'other pod' });
    live.send({ type: 'text', pod: a, delta: ' and more' });
    live.send({ type: 'store_back', downMs: 5 }); // this process's own: never sent
    await live.flush();
    expect(statements).toHaveLength(1);
    expect(events()).toEqual([
      { type: 'turn_started', pod: a, hostId: 'h' },
      { type: 'text', pod: a, delta: 'one two three' },
      { type: 'text', pod: b, delta: 'other pod' },
      { type: 'text', pod: a, delta: ' and more' },
    ]);
  });

  it('keeps the tail of a flood of text, cut into payloads that each fit, even escaped', async () => {
    const { db, statements, events } = recordingDb();
    const live = new LiveNotices(db, 'me');
    for (let i = 0; i < 100; i++) live.send({ type: 'text', pod: a, delta: `\u0001${'x'.repeat(499)}` });
    await live.flush();
    const texts = events().map((e) => (e?.type === 'text' ? e.delta : ''));
    expect(texts.join('').length).toBe(TEXT_PER_STATEMENT);
    expect(texts.every((t) => t.length <= TEXT_CHUNK)).toBe(true);
    expect(statements.flatMap((s) => s.payloads).every((p) => Buffer.byteLength(p) < 8_000)).toBe(true);
  });

  it('starts statements LIVE_GAP_MS apart at least, and bounds what waits for one', async () => {
    const { db, statements, events } = recordingDb();
    const live = new LiveNotices(db, 'me');
    live.send({ type: 'note', pod: a, text: 'first' });
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < QUEUE_LIMIT + 50; i++) live.send({ type: 'tool_started', pod: a, callId: `c${i}`, tool: 'ListPods' });
    live.send({ type: 'turn_ended', pod: a, end: 'finished', steps: 1, ms: 5, answered: 1 });
    await live.flush();
    expect(statements.length).toBe(2);
    expect(statements[1]!.at - statements[0]!.at).toBeGreaterThanOrEqual(LIVE_GAP_MS - 1);
    const sent = events();
    expect(sent.filter((e) => e?.type === 'tool_started')).toHaveLength(QUEUE_LIMIT);
    expect(sent.at(-1)).toMatchObject({ type: 'turn_ended' }); // an end is never dropped
  });

  it('reads nothing malformed or foreign from the channel', () => {
    expect(readLive('not json')).toBeUndefined();
    expect(readLive(JSON.stringify({ o: 'x', n: 1, e: { type: 'text', pod: '../etc', delta: 'x' } }))).toBeUndefined();
    expect(readLive(JSON.stringify({ o: 'x', n: 1, e: { type: 'store_lost', downMs: 1 } }))).toBeUndefined();
    expect(readLive(JSON.stringify({ o: 'x', n: 1, e: { type: 'tool_finished', pod: 'a', callId: 'c', tool: 't', outcome: '\u001b[2J', summary: '' } }))).toBeUndefined();
    expect(readLive(JSON.stringify({ o: 'x', n: 1, e: { type: 'text', pod: 'a', delta: 7 } }))).toBeUndefined();
  });
});
