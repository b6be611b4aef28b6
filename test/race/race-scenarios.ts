import { expect } from 'vitest';
import type { DeliverPeerMessageCommand } from '../../src/application/use-cases/deliver-peer-message.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { orderedPair } from '../../src/domain/peer-relation.js';
import { name, peerMessagesOf, range, type Actor, type RaceStore } from './race-actors.js';

/** Fails loudly instead of returning a refusal the checks would have to skip. */
async function mustPeer(a: Actor, from: string, to: string): Promise<void> {
  const r = await a.peer(from, to);
  if (!r.ok) throw new Error(`peer ${from} ${to}: ${r.error.type}`);
}

async function createPods(a: Actor, names: readonly string[]): Promise<void> {
  for (const raw of names) {
    const r = await a.createPod.execute({ name: name(raw), scope: [] });
    if (!r.ok) throw new Error(`create ${raw}: ${r.error.type}`);
  }
}

/**
 * `senders` Pods each send `messages` peer messages, one after another, to one receiver,
 * all senders at once. Every 25th message is sent twice with an idempotency key. One more
 * actor peers and unpeers other pairs (some with the receiver) meanwhile.
 * Checks: nothing lost, duplicated or reordered; per-Pod seq and per-pair pairSeq gap-free.
 */
export async function concurrentDeliveries(race: RaceStore, options: { senders: number; messages: number }): Promise<void> {
  const { senders, messages } = options;
  const o = race.observer;
  const senderNames = range(senders, 0).map((i) => `s${i}`);
  const churnNames = range(4, 0).map((i) => `c${i}`);
  await createPods(o, ['hub', ...senderNames, ...churnNames]);
  for (const s of senderNames) await mustPeer(o, s, 'hub');

  const actors = await Promise.all(senderNames.map(() => race.actor()));
  const churner = await race.actor();
  let sending = true;
  let cycles = 0;
  const churnPairs = [['c0', 'c1'], ['c2', 'hub'], ['c3', 'c1'], ['hub', 'c0']] as const;
  const churning = (async () => {
    while (sending || cycles === 0) {
      for (const [x, y] of churnPairs) {
        const peered = await churner.handshake.execute({ from: name(x), to: name(y), via: 'race' });
        expect(peered).toMatchObject({ ok: true, value: { status: 'peered' } });
        const removed = await churner.removePeer.execute({ from: name(y), to: name(x), via: 'race' });
        expect(removed.ok).toBe(true);
      }
      cycles += 1;
    }
  })();

  const send = (a: Actor, from: string, k: number, key?: string) => {
    const command: DeliverPeerMessageCommand = {
      from: name(from),
      to: name('hub'),
      body: MessageBody.unsafe(`${from} #${k}`),
      ...(key === undefined ? {} : { idempotencyKey: key }),
    };
    return a.deliver.execute(command);
  };
  try {
    await Promise.all(
      senderNames.map(async (from, i) => {
        const a = actors[i]!;
        for (const k of range(messages)) {
          const key = k % 25 === 0 ? `${from}-key-${k}` : undefined;
          const sent = await send(a, from, k, key);
          if (!sent.ok) throw new Error(`${from} #${k} refused: ${sent.error.type}`);
          expect(sent.value).toMatchObject({ pairSeq: k, duplicate: false, deliveredTo: 'stopped' });
          if (key !== undefined) {
            const again = await send(a, from, k, key);
            expect(again).toEqual({ ok: true, value: { ...sent.value, duplicate: true, turn: 'none' } });
          }
        }
      }),
    );
  } finally {
    sending = false;
    await churning;
  }

  const entries = await o.uow.run((r) => r.history.read(name('hub')));
  expect(entries.map((e) => e.seq)).toEqual(range(senders * messages));
  const received = await peerMessagesOf(o, 'hub');
  expect(received).toHaveLength(senders * messages);
  expect(new Set(received.map((e) => e.messageId)).size).toBe(senders * messages);
  for (const from of senderNames) {
    const mine = received.filter((e) => e.from === from);
    expect(mine.map((e) => e.pairSeq)).toEqual(range(messages));
    expect(mine.map((e) => e.body)).toEqual(range(messages).map((k) => `${from} #${k}`));
    const relation = await o.uow.run((r) => r.relations.lockBetween(orderedPair(name(from), name('hub'))));
    expect(relation?.lastPairSeq).toBe(messages);
  }
  // Each churn cycle peers and unpeers every churn pair: two audit records each way.
  const audits = await o.uow.run(async (r) => {
    let n = 0;
    for (const pod of ['hub', ...senderNames, ...churnNames]) n += (await r.audit.listForPod(name(pod))).length;
    return n;
  });
  expect(audits).toBe(2 * senders + 4 * churnPairs.length * cycles);
  expect(await o.uow.run((r) => r.relations.listFor(name('c0')))).toEqual([]);
}

/** `n` actors run the same handshake at once: one relation row, two audit records, one winner. */
export async function concurrentIdenticalHandshakes(race: RaceStore, n: number): Promise<void> {
  const o = race.observer;
  await createPods(o, ['ann', 'bob']);
  const actors = await Promise.all(range(n).map(() => race.actor()));
  const outcomes = await Promise.all(actors.map((a) => a.peer('ann', 'bob')));
  const values = outcomes.map((r) => {
    if (!r.ok) throw new Error(`handshake refused: ${r.error.type}`);
    return r.value;
  });
  expect(values.filter((v) => v.status === 'peered')).toHaveLength(1);
  expect(values.filter((v) => v.status === 'already_peers')).toHaveLength(n - 1);
  expect(new Set(values.map((v) => v.relation.id)).size).toBe(1);
  const relationId = values[0]!.relation.id;
  const [relations, forRelation, forAnn, forBob] = await o.uow.run(async (r) => [
    await r.relations.listFor(name('ann')),
    await r.audit.listForRelation(relationId),
    await r.audit.listForPod(name('ann')),
    await r.audit.listForPod(name('bob')),
  ] as const);
  expect(relations).toHaveLength(1);
  expect(forRelation).toHaveLength(2);
  expect([...forAnn, ...forBob].map((a) => a.action)).toEqual(['peer_added', 'peer_added']);
}

/**
 * A live receiver (its lease held, so deliveries count peer-triggered turns and trip the
 * breaker) gets `messages` from each of `senders` while the operator types `inputs` lines
 * into it. Operator input resets the breaker counters of the receiver's relations and
 * appends to its history; a delivery locks its relation and appends: both must take the
 * rows in one order, or they deadlock. Returns how long the deliveries took.
 */
export async function operatorInputDuringDeliveries(
  race: RaceStore,
  options: { senders: number; messages: number; inputs: number; live: boolean },
): Promise<number> {
  const { senders, messages, inputs, live } = options;
  const o = race.observer;
  const senderNames = range(senders, 0).map((i) => `s${i}`);
  await createPods(o, ['hub', ...senderNames]);
  for (const s of senderNames) await mustPeer(o, s, 'hub');
  if (live) {
    const until = new Date(Date.now() + 3_600_000);
    await o.uow.run((r) => r.leases.tryAcquire(name('hub'), 'host_race', new Date(), until));
  }
  const actors = await Promise.all([...senderNames, 'operator'].map(() => race.actor()));
  const operator = actors[senders]!;
  const started = Date.now();
  let deliveryMs = 0;
  await Promise.all([
    (async () => {
      for (const k of range(inputs)) {
        const typed = await operator.operatorInput.execute({ pod: name('hub'), text: MessageBody.unsafe(`line ${k}`) });
        expect(typed.ok).toBe(true);
      }
    })(),
    Promise.all(
      senderNames.map(async (from, i) => {
        for (const k of range(messages)) {
          const sent = await actors[i]!.deliver.execute({ from: name(from), to: name('hub'), body: MessageBody.unsafe(`${from} #${k}`) });
          if (!sent.ok) throw new Error(`${from} #${k} refused: ${sent.error.type}`);
        }
      }),
    ).then(() => (deliveryMs = Date.now() - started)),
  ]);

  const entries = await o.uow.run((r) => r.history.read(name('hub')));
  expect(entries.map((e) => e.seq)).toEqual(range(entries.length));
  expect(entries.filter((e) => e.kind === 'user_input').map((e) => (e.kind === 'user_input' ? e.text : ''))).toEqual(range(inputs).map((k) => `line ${k}`));
  const received = await peerMessagesOf(o, 'hub');
  expect(received).toHaveLength(senders * messages);
  for (const from of senderNames) expect(received.filter((e) => e.from === from).map((e) => e.pairSeq)).toEqual(range(messages));
  return deliveryMs;
}
