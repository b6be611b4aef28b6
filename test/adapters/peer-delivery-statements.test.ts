import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commitNoticesOf } from '../../src/adapters/persistence/postgres/notify/commit-notices.js';
import type { Database } from '../../src/adapters/persistence/postgres/schema/database.js';
import { DeliveryBatches, writeBatch, type DeliveryRow } from '../../src/adapters/persistence/postgres/statements/delivery-statements.js';
import { KyselyUnitOfWork } from '../../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { NamedStatementPool } from '../../src/adapters/persistence/postgres/connection/named-statement-pool.js';
import { openPostgresStore } from '../../src/adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../../src/adapters/persistence/postgres/sql-store.js';
import type { EntryOf } from '../../src/domain/history-entry.js';
import { orderedPair } from '../../src/domain/peer-relation.js';
import { PING_PONG_LIMIT } from '../../src/domain/ping-pong-breaker.js';
import type { PodName } from '../../src/domain/pod-name.js';
import { until } from '../support/until.js';
import { openOncePerSuite, openPostgresTestStore, TEST_SERVERS, type SqlTestStore } from '../support/test-stores.js';
import { body, makeWorld, name, type World } from '../support/world.js';

/** A second pool on the suite's schema whose every statement is recorded, as the server receives it. */
type Counted = { readonly db: Kysely<Database>; readonly statements: string[]; readonly close: () => Promise<void> };
function countedStore(url: string): Counted {
  const statements: string[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new NamedStatementPool(pool) }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query.sql.trim().split(/\s+/).slice(0, 3).join(' ').toLowerCase());
    },
  });
  return { db, statements, close: () => db.destroy() };
}

const isNotice = (statement: string) => statement.startsWith('select set_config(');
const written = (statements: readonly string[]) => statements.filter((s) => !isNotice(s));

describe.each(TEST_SERVERS)('peer delivery and handshake statements ($name)', (server) => {
  const s = openOncePerSuite<SqlTestStore & { readonly url: string }>(() => openPostgresTestStore({ server }));
  let counted: Counted;
  let w: World;
  beforeAll(() => {
    counted = countedStore(s().url);
  });
  afterAll(async () => counted.close());
  beforeEach(async () => {
    await s().reset();
    counted.statements.length = 0;
    w = makeWorld(new KyselyUnitOfWork(counted.db));
    for (const pod of ['a', 'b', 'c']) await w.create(pod);
    counted.statements.length = 0;
  });

  const send = (from: string, to: string, text: string, idempotencyKey?: string) =>
    w.deliver.execute({ from: name(from), to: name(to), body: body(text), ...(idempotencyKey ? { idempotencyKey } : {}) });
  const peerMessages = async (pod: string) =>
    (await w.history(pod)).filter((e): e is EntryOf<'peer_message'> => e.kind === 'peer_message');

  it('a handshake is one statement, and an already-made one a read more', async () => {
    expect(await w.handshake.execute({ from: name('a'), to: name('b'), via: 'test' })).toMatchObject({ ok: true, value: { status: 'peered' } });
    expect(written(counted.statements)).toEqual(['with added as']);
    counted.statements.length = 0;
    expect(await w.handshake.execute({ from: name('b'), to: name('a'), via: 'test' })).toMatchObject({ ok: true, value: { status: 'already_peers' } });
    expect(written(counted.statements)[0]).toBe('with added as');
    expect(written(counted.statements).every((st) => st === 'with added as' || st.startsWith('select'))).toBe(true);
  });

  it('a delivery is one read and one write, with no BEGIN or COMMIT, and the next on the pair the write alone', async () => {
    await w.peer('a', 'b');
    counted.statements.length = 0;
    expect(await send('a', 'b', 'one')).toMatchObject({ ok: true, value: { pairSeq: 1, seq: 1 } });
    expect(written(counted.statements)).toEqual(['select r.id as', 'with rel as']);
    counted.statements.length = 0;
    expect(await send('a', 'b', 'two')).toMatchObject({ ok: true, value: { pairSeq: 2, seq: 2 } });
    expect(written(counted.statements)).toEqual(['with rel as']);
    // The wake-up goes out after the commit, in a statement of its own.
    await until(async () => (counted.statements.some(isNotice) ? true : undefined), 5_000, 'the notice statement');
  });

  it('a delivery with an idempotency key always reads, and its retry writes nothing', async () => {
    await w.peer('a', 'b');
    await send('a', 'b', 'warm');
    counted.statements.length = 0;
    const first = await send('a', 'b', 'keyed', 'k');
    expect(written(counted.statements)).toEqual(['select r.id as', 'with rel as']);
    counted.statements.length = 0;
    const again = await send('a', 'b', 'keyed, again', 'k');
    expect(again).toEqual(first.ok ? { ok: true, value: { ...first.value, duplicate: true, turn: 'none' } } : first);
    expect(written(counted.statements)).toEqual(['select r.id as']);
  });

  describe('what this process remembers of a pair is checked by the write, and re-read when it changed', () => {
    let other: World;
    let otherStore: Awaited<ReturnType<typeof openPostgresStore>>;
    beforeAll(async () => {
      otherStore = await openPostgresStore(s().url, { max: 2 });
    });
    afterAll(async () => otherStore.close());
    beforeEach(async () => {
      other = makeWorld(new KyselyUnitOfWork(otherStore.db));
      for (let i = 0; i < 10_000; i += 1) other.ids.next('skip'); // ids of its own, apart from this world's
      await w.peer('a', 'b');
      expect(await send('a', 'b', 'remembered')).toMatchObject({ ok: true, value: { deliveredTo: 'stopped', turn: 'none' } });
    });

    it('the receiver went live on another host', async () => {
      await other.goLive('b', 'idle', 'host_other');
      expect(await send('a', 'b', 'now live')).toMatchObject({ ok: true, value: { deliveredTo: 'live', turn: 'started', pairSeq: 2 } });
      await other.goLive('b', 'running', 'host_other');
      expect(await send('a', 'b', 'now running')).toMatchObject({ ok: true, value: { turn: 'joins_running_turn', pairSeq: 3 } });
      await other.goStopped('b');
      expect(await send('a', 'b', 'stopped again')).toMatchObject({ ok: true, value: { deliveredTo: 'stopped', turn: 'none', pairSeq: 4 } });
    });

    it('the relation was removed, then made again', async () => {
      expect((await other.removePeer.execute({ from: name('b'), to: name('a'), via: 'test' })).ok).toBe(true);
      expect(await send('a', 'b', 'after unpeer')).toEqual({ ok: false, error: { type: 'NotVisible', target: 'b' } });
      expect(await peerMessages('b')).toHaveLength(1);
      await other.peer('b', 'a');
      expect(await send('a', 'b', 'new relation')).toMatchObject({ ok: true, value: { pairSeq: 1, seq: 2 } });
    });

    it('another process sent on the pair, and the breaker was reset by operator input', async () => {
      expect(await other.deliver.execute({ from: name('b'), to: name('a'), body: body('from the other process') })).toMatchObject({ ok: true, value: { pairSeq: 2 } });
      expect(await send('a', 'b', 'third')).toMatchObject({ ok: true, value: { pairSeq: 3 } });
      await other.goLive('b', 'idle', 'host_other');
      for (let i = 0; i < PING_PONG_LIMIT; i += 1) expect(await send('a', 'b', `volley ${i}`)).toMatchObject({ ok: true, value: { turn: 'started' } });
      expect(await send('a', 'b', 'withheld')).toMatchObject({ ok: true, value: { turn: 'withheld' } });
      await other.operatorInput.execute({ pod: name('b'), text: body('carry on') });
      expect(await send('a', 'b', 'after the human')).toMatchObject({ ok: true, value: { turn: 'started' } });
    });
  });

  it('concurrent deliveries to one receiver share statements, with gap-free numbers and every pair in order', async () => {
    const senders = Array.from({ length: 8 }, (_, i) => `s${i}`);
    for (const sender of senders) {
      await w.create(sender);
      await w.peer(sender, 'b');
    }
    await w.goLive('b', 'idle');
    for (const sender of senders) await send(sender, 'b', 'warm');
    counted.statements.length = 0;
    const perSender = 30;
    await Promise.all(senders.map(async (sender) => {
      for (let k = 1; k <= perSender; k += 1) {
        const r = await send(sender, 'b', `${sender} #${k}`);
        if (!r.ok) throw new Error(r.error.type);
      }
    }));
    const writes = written(counted.statements).filter((st) => st === 'with input as' || st === 'with rel as');
    expect(writes.length).toBeLessThan(senders.length * perSender);
    expect(writes).toContain('with input as');

    const history = await w.history('b');
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    for (const sender of senders) {
      const mine = history.filter((e): e is EntryOf<'peer_message'> => e.kind === 'peer_message' && e.from === sender);
      expect(mine.map((e) => e.pairSeq)).toEqual(mine.map((_, i) => i + 1));
      expect(mine.slice(1).map((e) => e.body)).toEqual(Array.from({ length: perSender }, (_, i) => `${sender} #${i + 1}`));
    }
    // The breaker tripped for every pair, inside shared statements: each notice follows its message.
    for (const [i, entry] of history.entries()) {
      if (entry.kind !== 'notice') continue;
      expect(entry).toMatchObject({ code: 'ping_pong_breaker', seenThrough: entry.seq - 1 });
      expect(history[i - 1]?.kind).toBe('peer_message');
    }
    expect(history.filter((e) => e.kind === 'notice')).toHaveLength(senders.length * (1 + perSender - PING_PONG_LIMIT));
  });

  it('a removal racing shared statements in the same process: each delivery on that pair is delivered or refused, never half', async () => {
    const senders = ['s0', 's1', 's2', 's3'];
    for (const sender of senders) {
      await w.create(sender);
      await w.peer(sender, 'b');
    }
    for (const sender of senders) await send(sender, 'b', 'warm');
    const outcomes = await Promise.all([
      ...senders.map(async (sender) => {
        const results: string[] = [];
        for (let k = 1; k <= 20; k += 1) {
          const r = await send(sender, 'b', `${sender} #${k}`);
          results.push(r.ok ? 'delivered' : r.error.type);
        }
        return results;
      }),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const removed = await w.removePeer.execute({ from: name('b'), to: name('s0'), via: 'test' });
        return [removed.ok ? 'removed' : 'not removed'];
      })(),
    ]);
    expect(outcomes.at(-1)).toEqual(['removed']);
    const s0 = outcomes[0]!;
    const delivered = s0.filter((o) => o === 'delivered').length;
    expect(s0).toEqual([...Array(delivered).fill('delivered'), ...Array(20 - delivered).fill('NotVisible')]);
    for (const other of outcomes.slice(1, -1)) expect(other.every((o) => o === 'delivered')).toBe(true);
    const history = await w.history('b');
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    const fromS0 = history.filter((e): e is EntryOf<'peer_message'> => e.kind === 'peer_message' && e.from === 's0');
    expect(fromS0.map((e) => e.pairSeq)).toEqual(fromS0.map((_, i) => i + 1));
    expect(fromS0).toHaveLength(1 + delivered);
  });

  describe('one shared statement', () => {
    let relations: Map<string, { id: string; a: PodName; b: PodName }>;
    beforeEach(async () => {
      relations = new Map();
      for (const sender of ['a', 'c']) relations.set(sender, await w.peer(sender, 'b'));
    });
    const row = (from: string, extra: Partial<DeliveryRow> = {}): DeliveryRow => {
      const relation = relations.get(from)!;
      return {
        a: relation.a, b: relation.b, relationId: relation.id, seenPairSeq: 0, seenAutoTurns: 0, autoTurns: 0, leaseVersion: null,
        to: name('b'), from: name(from), at: new Date('2026-11-01T12:00:00.000Z'), key: null, notice: undefined,
        body: JSON.stringify({ from, relationId: relation.id, messageId: `msg_${from}`, pairSeq: 1, body: `from ${from}` }),
        ...extra,
      };
    };

    it('writes the deliveries whose facts hold, numbered in order, and nothing of the stale ones', async () => {
      const seqs = await writeBatch(counted.db, [
        row('a', { seenPairSeq: 5 }), // stale: the relation is at 0
        row('c', { notice: { code: 'ping_pong_breaker', text: 'withheld' } }),
        row('a', { relationId: 'rel_gone' }), // stale: another relation
      ]);
      expect(seqs).toEqual(['stale', 1, 'stale']);
      expect((await w.history('b')).map((e) => [e.seq, e.kind, 'seenThrough' in e ? e.seenThrough : undefined])).toEqual([
        [1, 'peer_message', undefined], [2, 'notice', 1],
      ]);
      const counters = await w.uow.run(async (r) => [
        await r.relations.lockBetween(orderedPair(name('a'), name('b'))), await r.relations.lockBetween(orderedPair(name('c'), name('b'))),
      ]);
      expect(counters.map((r) => r?.lastPairSeq)).toEqual([0, 1]);
      expect(await w.uow.run((r) => r.history.head(name('b')))).toBe(2);
    });

    it('numbers each receiver on its own, gap-free, when one statement writes to several', async () => {
      await w.create('d');
      const ad = await w.peer('a', 'd');
      const toD: Partial<DeliveryRow> = {
        a: ad.a, b: ad.b, relationId: ad.id, to: name('d'),
        body: JSON.stringify({ from: 'a', relationId: ad.id, messageId: 'msg_ad', pairSeq: 1, body: 'to d' }),
      };
      expect(await writeBatch(counted.db, [row('a'), row('a', toD), row('c', { notice: { code: 'ping_pong_breaker', text: 'withheld' } })])).toEqual([1, 1, 2]);
      expect((await w.history('b')).map((e) => [e.seq, e.kind])).toEqual([[1, 'peer_message'], [2, 'peer_message'], [3, 'notice']]);
      expect((await w.history('d')).map((e) => [e.seq, e.kind, e.kind === 'peer_message' ? e.body : ''])).toEqual([[1, 'peer_message', 'to d']]);
      expect(await w.uow.run((r) => Promise.all(['b', 'd'].map((pod) => r.history.head(name(pod)))))).toEqual([3, 1]);
    });

    it('a shared statement that fails is written again one by one, so only the bad delivery fails', async () => {
      await w.create('d');
      relations.set('d', await w.peer('d', 'b'));
      const batches = new DeliveryBatches(counted.db);
      const results = await Promise.allSettled([
        batches.write(row('a')), // alone: nothing in flight
        batches.write(row('c', { body: 'not json' })), // these two wait, then share one statement
        batches.write(row('d')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([1, 'failed', 2]);
      expect((await w.history('b')).map((e) => (e.kind === 'peer_message' ? e.from : e.kind))).toEqual(['a', 'd']);
    });

    it('checks the receiver lease each delivery was decided on', async () => {
      await w.goLive('b', 'idle');
      const { rows } = await sql<{ v: string }>`select xmin::text as v from lease where pod = 'b'`.execute(counted.db);
      expect(await writeBatch(counted.db, [row('a'), row('c', { leaseVersion: rows[0]!.v })])).toEqual(['stale', 1]);
    });

    it('writes nothing at all when every delivery in it is stale', async () => {
      expect(await writeBatch(counted.db, [row('a', { seenAutoTurns: 3 }), row('c', { leaseVersion: '1' })])).toEqual(['stale', 'stale']);
      expect(await w.uow.run((r) => r.history.head(name('b')))).toBe(0);
    });
  });

  describe('wake-ups', () => {
    // Another process on the store: it hears only what NOTIFY carries.
    let elsewhere: SqlStore;
    const heard: PodName[] = [];
    beforeAll(async () => {
      elsewhere = await openPostgresStore(s().url, { max: 1 });
      elsewhere.events.subscribe((event) => void (event.type === 'committed' && heard.push(event.pod)));
      await elsewhere.listening();
    });
    afterAll(async () => elsewhere.close());
    beforeEach(() => {
      heard.length = 0;
    });

    it('are notified after the commit, never from inside a writing transaction', async () => {
      await w.peer('a', 'b');
      await commitNoticesOf(counted.db).flush(); // the creations' notices
      counted.statements.length = 0;
      await w.operatorInput.execute({ pod: name('b'), text: body('typed') }); // a unit with BEGIN and COMMIT
      expect(await send('a', 'b', 'hello')).toMatchObject({ ok: true });
      await until(async () => (heard.includes(name('b')) ? true : undefined), 5_000, 'the notice of b');
      const log = counted.statements;
      const commit = log.indexOf('commit');
      expect(log.findIndex(isNotice)).toBeGreaterThan(commit);
      expect(log.slice(log.indexOf('begin'), commit).some(isNotice)).toBe(false);
    });

    it('still go out when the store closes right after the commit', async () => {
      const own = await openPostgresStore(s().url, { max: 2 });
      const quick = makeWorld(new KyselyUnitOfWork(own.db));
      await quick.peer('a', 'c');
      heard.length = 0;
      expect(await quick.deliver.execute({ from: name('a'), to: name('c'), body: body('and exit') })).toMatchObject({ ok: true });
      await own.close();
      await until(async () => (heard.includes(name('c')) ? true : undefined), 5_000, 'the notice of c');
    });

    it('are not sent for a unit that rolled back', async () => {
      await expect(w.uow.run(async (r) => {
        await r.history.append(name('a'), { kind: 'notice', code: 'interrupted', text: 'x' }, new Date());
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      await w.append('b', { kind: 'notice', code: 'interrupted', text: 'y' });
      await until(async () => (heard.includes(name('b')) ? true : undefined), 5_000, 'the notice of b');
      expect(heard).not.toContain(name('a'));
    });
  });
});
