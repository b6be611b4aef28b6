import { KYSELY_DB } from '../src/adapters/persistence/postgres/kysely-db-token.js';
import { UNIT_OF_WORK } from '../src/application/ports/unit-of-work.js';
import { DeliverPeerMessage } from '../src/application/use-cases/deliver-peer-message.js';
import { InitiatePeerHandshake } from '../src/application/use-cases/initiate-peer-handshake.js';
import type { OpenedInversifyContainer } from '../src/composition/container.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import { listPodsLatency } from './list-pods.js';
import { seedListing } from './list-pods-world.js';
import { serverBenchStore } from './bench-stores.js';
import { latencyOf, timeEach, type Latency } from './percentiles.js';

const name = (raw: string): PodName => PodName.unsafe(raw);
const pad = (i: number): string => String(i).padStart(4, '0');

/**
 * `boss` sees 1,000 Pods: itself, 500 children (half of them live, the first 200 with a
 * child of their own) and 499 peers (`seedListing`'s `mixed` shape).
 */
export async function listPodsAt1000(opened: OpenedInversifyContainer, runs: number): Promise<Latency> {
  await seedListing(opened.container.get(KYSELY_DB), 'boss', 1_000, 'mixed');
  return listPodsLatency(opened, 'boss', 1_000, runs);
}

/** Operator handshakes between fresh pairs, one after another. */
export async function handshakeLatency(opened: OpenedInversifyContainer, runs: number): Promise<Latency> {
  const uow = opened.container.get(UNIT_OF_WORK);
  const now = new Date();
  const total = runs + 10;
  await uow.run(async (r) => {
    for (let i = 0; i < total; i += 1) {
      for (const side of ['left', 'right']) await r.pods.add({ name: name(`${side}${pad(i)}`), scope: [], origin: { type: 'operator' }, createdAt: now });
    }
  });
  const handshake = opened.container.get(InitiatePeerHandshake);
  let next = 0;
  const samples = await timeEach(runs, 10, async () => {
    const i = next;
    next += 1;
    const peered = await handshake.execute({ from: name(`left${pad(i)}`), to: name(`right${pad(i)}`), via: 'bench' });
    if (!peered.ok || peered.value.status !== 'peered') throw new Error('handshake failed');
  });
  return latencyOf(samples);
}

/** The delivery scenarios' shape, one for `npm run bench` and `delivery-vs-pgbench`: senders at once, timed messages each, untimed warm-up messages each (once per process and server). */
export const DELIVERY_SHAPE = { senders: 8, perSender: 500, warmUpPerSender: 300 } as const;

/** Untimed deliveries per sender before each timed burst: the store's pool connections open, their statements prepared and planned. */
const WARMUP_PER_SENDER = 100;

export type Throughput = {
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** This process's CPU (user + system, `process.cpuUsage`) over the timed burst, per message. */
  readonly cpuMsPerMessage: number;
};

export type Receivers = 'one' | 'own';

/**
 * `senders` sender Pods, each peered with its receiver: all with one Pod (`one`: its history
 * counter is the contended row) or each with its own (`own`); and a function that makes
 * sender i deliver one 200-byte message.
 */
export async function deliveryPods(opened: OpenedInversifyContainer, senders: number, receivers: Receivers, prefix: string): Promise<(i: number) => Promise<void>> {
  const uow = opened.container.get(UNIT_OF_WORK);
  const now = new Date();
  const senderOf = (i: number) => name(`${prefix}s${i}`);
  const receiverOf = (i: number) => name(receivers === 'one' ? `${prefix}hub` : `${prefix}r${i}`);
  await uow.run(async (r) => {
    const names = new Set<PodName>();
    for (let i = 0; i < senders; i += 1) names.add(senderOf(i)).add(receiverOf(i));
    for (const pod of names) await r.pods.add({ name: pod, scope: [], origin: { type: 'operator' }, createdAt: now });
  });
  const handshake = opened.container.get(InitiatePeerHandshake);
  for (let i = 0; i < senders; i += 1) await handshake.execute({ from: senderOf(i), to: receiverOf(i), via: 'bench' });
  const deliver = opened.container.get(DeliverPeerMessage);
  const body = MessageBody.unsafe('x'.repeat(200));
  return async (i) => {
    const sent = await deliver.execute({ from: senderOf(i), to: receiverOf(i), body });
    if (!sent.ok) throw new Error(`delivery refused: ${sent.error.type}`);
  };
}

/**
 * `senders` Pods deliver `perSender` peer messages each, all senders at once, each one
 * message after another, after an untimed warm-up of WARMUP_PER_SENDER each.
 */
export async function deliveryThroughput(
  opened: OpenedInversifyContainer,
  options: { readonly senders: number; readonly perSender: number; readonly receivers: Receivers; readonly prefix: string },
): Promise<Throughput> {
  const { senders, perSender } = options;
  const deliver = await deliveryPods(opened, senders, options.receivers, options.prefix);
  const burst = (count: number) =>
    Promise.all(Array.from({ length: senders }, async (_, i) => {
      for (let k = 0; k < count; k += 1) await deliver(i);
    }));
  await burst(WARMUP_PER_SENDER);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await burst(perSender);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const messages = senders * perSender;
  return { messages, seconds, perSecond: messages / seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / messages };
}

/**
 * `senders` Pods deliver for `seconds`, all at once, each one message after another, after
 * `warmUpSeconds` of the same untimed (connections open, statements prepared): the delivery
 * side of a run alternated with pgbench's `-T`.
 */
export async function deliveryFor(
  opened: OpenedInversifyContainer,
  options: {
    readonly senders: number; readonly seconds: number; readonly warmUpSeconds: number; readonly receivers: Receivers; readonly prefix: string;
    /** Awaited right before the timed part and right after it (the server's counters are read there). */
    readonly mark?: (phase: 'start' | 'end') => Promise<void>;
  },
): Promise<Throughput> {
  const { senders } = options;
  const deliver = await deliveryPods(opened, senders, options.receivers, options.prefix);
  const until = async (deadline: bigint) => {
    let count = 0;
    await Promise.all(Array.from({ length: senders }, async (_, i) => {
      while (process.hrtime.bigint() < deadline) {
        await deliver(i);
        count += 1;
      }
    }));
    return count;
  };
  const nanos = (s: number) => BigInt(Math.round(s * 1e9));
  await until(process.hrtime.bigint() + nanos(options.warmUpSeconds));
  await options.mark?.('start');
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const messages = await until(start + nanos(options.seconds));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  await options.mark?.('end');
  return { messages, seconds, perSecond: messages / seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / messages };
}

/**
 * Once per process and server, before the first timed round: both delivery scenarios,
 * untimed, on a store of their own, so that V8 has compiled the delivery path before any
 * burst is timed (a cold process delivered at about two thirds of its later rate in the first
 * round). `label` names the server in a deadline message.
 */
export async function warmUpDelivery(url: string, label: string, options: { readonly senders: number; readonly perSender: number }): Promise<void> {
  const store = await serverBenchStore(url, label);
  try {
    for (const receivers of ['one', 'own'] as const) {
      await deliveryThroughput(store.opened, { senders: options.senders, perSender: options.perSender, receivers, prefix: `warm-${receivers}-` });
    }
  } finally {
    await store.dispose();
  }
}
