import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunTurn } from '../src/application/host/run-turn.js';
import { POD_EVENTS } from '../src/application/ports/pod-events.js';
import { UNIT_OF_WORK } from '../src/application/ports/unit-of-work.js';
import { KYSELY_DB } from '../src/adapters/persistence/postgres/kysely-db-token.js';
import { sql } from 'kysely';
import { AbsolutePath } from '../src/domain/absolute-path.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import { serverBenchStore } from './bench-stores.js';
import { BenchTimeout, within } from './deadline.js';
import { latencyOf, type Latency } from './percentiles.js';

export type RequestCost = {
  readonly entries: number;
  /** Input committed → the model server has the turn's first request. */
  readonly turnStartMs: Latency;
  /** A tool result committed → the model server has the next step's request. */
  readonly nextStepMs: Latency;
  /** Size of the first timed request's body. */
  readonly requestBytes: number;
  /** The largest request body of the run. */
  readonly maxRequestBytes: number;
  /** The first turn of a fresh host: input committed → its first request (the whole history read once). */
  readonly firstTurnMs: number;
  /** `context_trimmed` notices committed during the run (the window moving on). */
  readonly trims: number;
};

const POD = PodName.unsafe('long');

/**
 * A chat-completions server on loopback that notes when each request's body has fully
 * arrived, and answers the first request of a turn with one ListPods call and the second
 * with text, so every turn has exactly two steps.
 */
async function recordingServer(): Promise<{ url: string; arrivals: number[]; bytes: number[]; server: Server }> {
  const arrivals: number[] = [];
  const bytes: number[] = [];
  let n = 0;
  const server = createServer((request, response) => {
    let size = 0;
    request.on('data', (chunk: Buffer) => (size += chunk.length));
    request.on('end', () => {
      arrivals.push(performance.now());
      bytes.push(size);
      const message = n++ % 2 === 0
        ? { role: 'assistant', content: null, tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: 'ListPods', arguments: '{}' } }] }
        : { role: 'assistant', content: 'ok' };
      response.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `c${n}`, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, arrivals, bytes, server };
}

/**
 * The cost of building a model request on a Pod with `entries` committed history entries
 * (the host's default context budget applies: issue 25's requests stop growing with history):
 * how long from committed input to the request at the server (turn start), and from a
 * committed tool result to the next request (a later step), through RunTurn and the
 * OpenAI-compatible adapter on a real store, `runs` turns each after `warmup`.
 */
export async function requestBuildCost(url: string, entries: number, runs: number, warmup = 3): Promise<RequestCost> {
  const model = await recordingServer();
  const store = await serverBenchStore(url, 'request cost', { model: { url: model.url, model: 'bench', retry: { attempts: 0, baseMs: 1, capMs: 1 } } });
  try {
    const { container } = store.opened;
    const uow = container.get(UNIT_OF_WORK);
    const db = container.get(KYSELY_DB);
    const now = new Date();
    await uow.run((r) => r.pods.add({ name: POD, scope: [{ target: AbsolutePath.unsafe('/work'), permission: 'write', recursive: true }], origin: { type: 'operator' }, createdAt: now }));
    // Answered exchanges, as a long conversation leaves them, in one statement on the server.
    await sql`insert into history_entry (pod, seq, kind, at, body)
      select ${POD}, s, case when s % 2 = 1 then 'user_input' else 'assistant_message' end, now(),
        case when s % 2 = 1 then json_build_object('text', 'question ' || s || ': ' || repeat('x', 60), 'origin', json_build_object('type', 'operator'))
        else json_build_object('text', 'answer ' || s || ': ' || repeat('y', 60), 'seenThrough', s - 1) end
      from generate_series(1, ${entries}::int) s`.execute(db);
    await sql`update pod set last_seq = ${entries}::int where name = ${POD}`.execute(db);
    const runTurn = container.get(RunTurn);
    let toolFinishedAt = 0;
    const off = container.get(POD_EVENTS).subscribe((event) => {
      if (event.type === 'tool_finished') toolFinishedAt = performance.now();
    });
    const turnStart: number[] = [];
    const nextStep: number[] = [];
    let firstTurnMs = 0;
    try {
      for (let i = 0; i < warmup + runs; i += 1) {
        await uow.run((r) => r.history.append(POD, { kind: 'user_input', text: MessageBody.unsafe(`turn ${i}`), origin: { type: 'operator' } }, new Date()));
        const before = model.arrivals.length;
        const committed = performance.now();
        const turn = await within(60_000, `a turn on ${entries} entries`, runTurn.execute({ pod: POD }));
        if (!turn.ok || turn.value.end !== 'finished' || model.arrivals.length !== before + 2) {
          throw new BenchTimeout(`the turn on ${entries} entries did not run two steps: ${JSON.stringify(turn)}`);
        }
        if (i === 0) firstTurnMs = model.arrivals[before]! - committed;
        if (i < warmup) continue;
        turnStart.push(model.arrivals[before]! - committed);
        nextStep.push(model.arrivals[before + 1]! - toolFinishedAt);
      }
    } finally {
      off();
    }
    const trims = await sql<{ n: number }>`select count(*)::int as n from history_entry where pod = ${POD} and kind = 'notice' and body->>'code' = 'context_trimmed'`.execute(db);
    return {
      entries, turnStartMs: latencyOf(turnStart), nextStepMs: latencyOf(nextStep), requestBytes: model.bytes[warmup * 2] ?? 0,
      maxRequestBytes: Math.max(...model.bytes), firstTurnMs, trims: trims.rows[0]?.n ?? 0,
    };
  } finally {
    await store.dispose();
    model.server.closeAllConnections();
    await new Promise((resolve) => model.server.close(resolve));
  }
}
