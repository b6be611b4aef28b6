import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { kyselyRepositories } from '../../src/adapters/persistence/postgres/repositories/kysely-repositories.js';
import { openPostgresStore } from '../../src/adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../../src/adapters/persistence/postgres/sql-store.js';
import type { PeerRelationRepository } from '../../src/application/ports/peer-relation-repository.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { orderedPair } from '../../src/domain/peer-relation.js';
import { openOncePerSuite, TEST_SERVERS, truncateAll } from '../support/test-stores.js';
import { makeWorld } from '../support/world.js';
import { actor, name, openServerRace, peerMessagesOf, range } from './race-actors.js';
import { concurrentDeliveries, concurrentIdenticalHandshakes, operatorInputDuringDeliveries } from './race-scenarios.js';

/**
 * A unit of work whose connection the server drops right after the relation row is
 * inserted: the handshake dies between its statements, as if its process were killed.
 */
function killedAfterRelationInsert(own: SqlStore, killer: SqlStore): UnitOfWork {
  return {
    run: (work) =>
      own.db.transaction().execute(async (trx) => {
        const repos = kyselyRepositories(trx);
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        const addIfAbsent: PeerRelationRepository['addIfAbsent'] = async (relation) => {
          const added = await repos.relations.addIfAbsent(relation);
          await sql`select pg_terminate_backend(${rows[0]?.pid}::int)`.execute(killer.db);
          return added;
        };
        const relations = new Proxy(repos.relations, {
          get: (target, key, receiver) => (key === 'addIfAbsent' ? addIfAbsent : Reflect.get(target, key, receiver)),
        });
        return work({ ...repos, relations });
      }),
  };
}

describe.each(TEST_SERVERS)('races on the PostgreSQL server ($name)', (server) => {
  const r = openOncePerSuite(() => openServerRace(server));
  beforeEach(async () => truncateAll(r().store.db));

  it('8 senders × 250 messages to one Pod, each on its own connection, while handshakes churn: nothing lost, duplicated or reordered', async () => {
    await concurrentDeliveries(r(), { senders: 8, messages: 250 });
  }, 180_000);

  it('operator input to a live Pod while 8 peers deliver to it: no deadlock, nothing lost, throughput kept', async () => {
    const stopped = await operatorInputDuringDeliveries(r(), { senders: 8, messages: 60, inputs: 40, live: false });
    await truncateAll(r().store.db);
    const live = await operatorInputDuringDeliveries(r(), { senders: 8, messages: 60, inputs: 40, live: true });
    console.log(`8 senders × 60 messages with 40 operator lines: ${live} ms to a live Pod, ${stopped} ms to a stopped one (${server.name})`);
    // Both runs share the machine's load; a deadlock costs deadlock_timeout (1 s) per hit.
    expect(live).toBeLessThan(Math.max(4 * stopped, 2_000));
  }, 180_000);

  it('20 identical handshakes on 20 connections make one relation and exactly two audit records', async () => {
    await concurrentIdenticalHandshakes(r(), 20);
  }, 60_000);

  it('a handshake whose connection dies after the relation insert leaves no relation and no audit record', async () => {
    const o = r().observer;
    for (const pod of ['ann', 'bob']) await o.createPod.execute({ name: name(pod), scope: [] });
    const url = new URL(server.url);
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(r().store.db)).rows[0]?.s ?? '';
    url.searchParams.set('options', `-c search_path=${schema}`);
    const own = await openPostgresStore(url.toString(), { max: 1 });
    try {
      const doomed = actor(killedAfterRelationInsert(own, r().store));
      // Over TCP the query in flight sees the termination; over a Unix socket pg may see the
      // socket close first and report the client as broken. Either way the connection died.
      await expect(doomed.peer('ann', 'bob')).rejects.toThrow(/terminat|ECONNRESET|connection error/i);
    } finally {
      await own.close();
    }
    const after = await o.uow.run(async (repos) => ({
      relation: await repos.relations.lockBetween(orderedPair(name('ann'), name('bob'))),
      audit: [...(await repos.audit.listForPod(name('ann'))), ...(await repos.audit.listForPod(name('bob')))],
    }));
    expect(after).toEqual({ relation: undefined, audit: [] });
    expect(await o.peer('ann', 'bob')).toMatchObject({ ok: true, value: { status: 'peered' } });
  });

  it('a delivery racing RemovePeer is either delivered or refused, never half', async () => {
    const o = r().observer;
    for (const pod of ['snd', 'rcv']) await o.createPod.execute({ name: name(pod), scope: [] });
    const [sender, remover] = [await r().actor(), await r().actor()];
    const outcomes = { delivered: 0, refused: 0 };
    for (const round of range(40)) {
      expect(await o.peer('snd', 'rcv')).toMatchObject({ ok: true, value: { status: 'peered' } });
      const before = (await peerMessagesOf(o, 'rcv')).length;
      const [sent, removed] = await Promise.all([
        sender.deliver.execute({ from: name('snd'), to: name('rcv'), body: MessageBody.unsafe(`round ${round}`) }),
        remover.removePeer.execute({ from: name('rcv'), to: name('snd'), via: 'race' }),
      ]);
      expect(removed.ok).toBe(true);
      const received = await peerMessagesOf(o, 'rcv');
      if (sent.ok) {
        outcomes.delivered += 1;
        expect(received).toHaveLength(before + 1);
        expect(received.at(-1)).toMatchObject({ messageId: sent.value.messageId, body: `round ${round}`, pairSeq: 1 });
      } else {
        outcomes.refused += 1;
        expect(sent.error).toEqual({ type: 'NotVisible', target: 'rcv' });
        expect(received).toHaveLength(before);
      }
    }
    expect(outcomes.delivered + outcomes.refused).toBe(40);
    const history = await o.uow.run((repos) => repos.history.read(name('rcv')));
    expect(history.map((e) => e.seq)).toEqual(range(outcomes.delivered));
  }, 60_000);

  /** A world (use cases, clock, host) of its own over a connection of its own: another host on the one store. */
  const ownWorld = async () => makeWorld((await r().actor()).uow);

  it("a peer's RestorePod racing the parent's StopPod never leaves a stopped child running", async () => {
    const [parent, peer] = [await ownWorld(), await ownWorld()];
    await parent.create('me', ['write:/work']);
    await parent.create('pal');
    await parent.spawn('me', 'kid', ['write:/work/kid']);
    await parent.peer('pal', 'kid');
    const outcomes = { restoredFirst: 0, refused: 0 };
    for (const round of range(30)) {
      await parent.goStopped('kid'); // outstanding, but no host runs it: a peer may restore it
      const [restored, stopped] = await Promise.all([
        peer.tool('pal', 'RestorePod', { name: 'kid' }),
        parent.tool('me', 'StopPod', { name: 'kid' }),
      ]);
      expect(stopped, `round ${round}`).toMatchObject({ ok: true, content: { action: 'stopped' } });
      if (restored.ok) outcomes.restoredFirst += 1;
      else {
        outcomes.refused += 1;
        expect(restored).toMatchObject({ ok: false, message: 'pod `kid` is a child that `me` stopped; only `me` can run it again (its RestorePod)' });
      }
      // Whichever went first, the child ends stopped and no host holds it.
      expect(await parent.uow.run((repos) => repos.children.findByChild(name('kid')))).toMatchObject({ state: 'stopped' });
      expect(await parent.uow.run((repos) => repos.leases.getMany([name('kid')]))).toEqual([]);
      expect(await parent.tool('me', 'RestorePod', { name: 'kid' })).toMatchObject({ ok: true, content: { action: 'restored' } });
    }
    expect(outcomes.restoredFirst + outcomes.refused).toBe(30);
  }, 60_000);

  it('two SpawnPods lending the same write scope at once: one is refused, never both lent', async () => {
    const [one, two] = [await ownWorld(), await ownWorld()];
    await one.create('me', ['write:/work']);
    const lend = (w: typeof one, child: string) => w.tool('me', 'SpawnPod', { name: child, task: 't', scope: [{ target: '/work/shared', permission: 'write' }] });
    for (const round of range(20)) {
      const [a, b] = await Promise.all([lend(one, `a${round}`), lend(two, `b${round}`)]);
      expect([a.ok, b.ok].filter(Boolean), `round ${round}`).toHaveLength(1);
      expect([a, b].find((x) => !x.ok)).toMatchObject({ message: 'scope rule write:/work/shared overlaps write scope write:/work/shared that is already lent to a child' });
      // Taken back for the next round.
      expect(await one.tool('me', 'StopPod', { name: a.ok ? `a${round}` : `b${round}` })).toMatchObject({ ok: true });
    }
  }, 60_000);

  it("a parent's RestorePod racing its own SpawnPod of the same scope: one of them lends it, never both", async () => {
    const [one, two] = [await ownWorld(), await ownWorld()];
    await one.create('me', ['write:/work']);
    await one.spawn('me', 'kid', ['write:/work/shared']);
    await one.tool('me', 'StopPod', { name: 'kid' });
    for (const round of range(20)) {
      const [restored, spawned] = await Promise.all([
        one.tool('me', 'RestorePod', { name: 'kid' }),
        two.tool('me', 'SpawnPod', { name: `k${round}`, task: 't', scope: [{ target: '/work/shared', permission: 'write' }] }),
      ]);
      expect([restored.ok, spawned.ok].filter(Boolean), `round ${round}`).toHaveLength(1);
      expect(await one.tool('me', 'StopPod', { name: restored.ok ? 'kid' : `k${round}` })).toMatchObject({ ok: true, content: { action: 'stopped' } });
    }
  }, 60_000);

  it("a child's SpawnPod racing its parent's StopPod never leaves a grandchild outstanding under a stopped child", async () => {
    const [parent, kid] = [await ownWorld(), await ownWorld()];
    await parent.create('me', ['write:/work']);
    await parent.spawn('me', 'kid', ['write:/work/kid']);
    for (const round of range(20)) {
      const [spawned, stopped] = await Promise.all([
        kid.tool('kid', 'SpawnPod', { name: `gk${round}`, task: 't', scope: [{ target: `/work/kid/${round}`, permission: 'write' }] }),
        parent.tool('me', 'StopPod', { name: 'kid' }),
      ]);
      expect(stopped, `round ${round}`).toMatchObject({ ok: true, content: { action: 'stopped' } });
      const edge = await parent.uow.run((repos) => repos.children.findByChild(name(`gk${round}`)));
      if (spawned.ok) expect(edge, `round ${round}`).toMatchObject({ state: 'stopped' });
      else {
        expect(spawned).toMatchObject({ ok: false, message: 'pod `kid` is a child that `me` stopped; only `me` can run it again (its RestorePod)' });
        expect(edge).toBeUndefined();
      }
      expect(await parent.tool('me', 'RestorePod', { name: 'kid' })).toMatchObject({ ok: true });
    }
  }, 60_000);
});
