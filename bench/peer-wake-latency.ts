import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { POD_EVENTS } from '../src/application/ports/pod-events.js';
import { PodTools } from '../src/application/tools/pod-tools.js';
import { CreatePod } from '../src/application/use-cases/create-pod.js';
import { InitiatePeerHandshake } from '../src/application/use-cases/initiate-peer-handshake.js';
import { ReadHistory } from '../src/application/use-cases/read-history.js';
import { SubmitOperatorInput } from '../src/application/use-cases/submit-operator-input.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import { PING_PONG_LIMIT } from '../src/domain/ping-pong-breaker.js';
import type { BenchStore } from './bench-stores.js';
import { defer, within } from './deadline.js';
import { latencyOf, type Latency } from './percentiles.js';

export type WakeLatency = { readonly toTurnStart: Latency; readonly toAnswer: Latency };

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
/** Every wait of a sample (a store call, the answer, the turn-start line) ends by this, or the bench does. */
const SAMPLE_TIMEOUT_MS = 5_000;

/**
 * SendToPeerPod in this process → the turn on the receiving host, a separate `pods serve`
 * process: until the turn starts (the time of the line its host logs at the end, less the
 * length it logs), and until its answer is committed
 * (heard through this process's own LISTEN feed). Sequential, so each sample is one message.
 */
export async function peerWakeLatency(store: BenchStore, url: string, runs: number, warmup: number): Promise<WakeLatency> {
  const { container } = store.opened;
  const [a, b] = [PodName.unsafe('wake-a'), PodName.unsafe('wake-b')];
  for (const name of [a, b]) await container.get(CreatePod).execute({ name, scope: [] });
  await container.get(InitiatePeerHandshake).execute({ from: a, to: b, via: 'bench' });

  const host = spawn(process.execPath, [MAIN, 'serve', '--pod', b, '--db', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const turnStarts: number[] = [];
  let buffered = '';
  const tail: string[] = [];
  let serving: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (serving = resolve));
  host.stdout.on('data', (chunk: Buffer) => {
    const now = performance.now();
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 6) tail.shift();
      if (line.includes(`serving \`${b}\``)) serving();
      // `pods serve` logs one line per turn, at its end, with its length: the start is that much before the line.
      const ended = new RegExp(`\`${b}\` turn \\w+ after \\d+ step\\(s\\), (\\d+) ms`).exec(line);
      if (ended) turnStarts.push(now - Number(ended[1]));
    }
  });
  const exited = new Promise<void>((resolve) => host.once('exit', () => resolve()));
  // Should the bench end before this function does (a deadline, a signal), the host goes too.
  const forget = defer('`pods serve` child', async () => void host.kill('SIGKILL'));
  try {
    await within(30_000, '`pods serve` to log that it serves', Promise.race([ready, exited.then(() => Promise.reject(new Error('pods serve exited before serving')))]));
    // Only an answer committed after this sample's message counts: a history read still in
    // flight from the previous sample must not end this one.
    let answered: () => void = () => undefined;
    let after = 0;
    const lastSeq = async () => {
      const r = await container.get(ReadHistory).execute({ pod: b, after });
      return r.ok ? (r.value.at(-1)?.seq ?? after) : after;
    };
    const stop = container.get(POD_EVENTS).subscribe((event) => {
      if (event.type !== 'committed' || event.pod !== b) return;
      const since = after;
      void container.get(ReadHistory).execute({ pod: b, after: since }).then((r) => {
        if (r.ok && since === after && r.value.some((e) => e.kind === 'assistant_message')) answered();
      });
    });
    const toTurnStart: number[] = [];
    const toAnswer: number[] = [];
    try {
      for (let i = -warmup; i < runs; i++) {
        // Operator input resets the ping-pong breaker, which would otherwise hold b after 8 turns.
        if ((i + warmup) % (PING_PONG_LIMIT - 1) === 0) {
          await within(SAMPLE_TIMEOUT_MS, `operator input to ${a} before message ${i + warmup + 1}`,
            container.get(SubmitOperatorInput).execute({ pod: a, text: MessageBody.unsafe('carry on') }));
        }
        after = await within(SAMPLE_TIMEOUT_MS, `reading ${b}'s history before message ${i + warmup + 1}`, lastSeq());
        const starts = turnStarts.length;
        let timer: NodeJS.Timeout | undefined;
        const done = new Promise<void>((resolve, reject) => {
          answered = resolve;
          timer = setTimeout(() => {
            const started = turnStarts.length > starts ? 'its host logged the turn' : 'its host logged no turn';
            reject(new Error(`no answer from ${b} within ${SAMPLE_TIMEOUT_MS} ms to message ${i + warmup + 1} (${started}); its log ends:\n    ${tail.join('\n    ')}`));
          }, SAMPLE_TIMEOUT_MS);
        });
        const t0 = performance.now();
        const sent = await within(SAMPLE_TIMEOUT_MS, `SendToPeerPod ${a} → ${b}, message ${i + warmup + 1}`,
          container.get(PodTools).execute(a, 'SendToPeerPod', { name: b, message: `ping ${i}` }));
        if (!sent.ok) throw new Error(sent.message);
        await done.finally(() => clearTimeout(timer));
        const t1 = performance.now();
        while (turnStarts.length === starts) {
          if (performance.now() - t1 > SAMPLE_TIMEOUT_MS) throw new Error(`${b} answered but its host logged no turn within ${SAMPLE_TIMEOUT_MS} ms`);
          await new Promise((r) => setTimeout(r, 1));
        }
        if (i < 0) continue;
        toAnswer.push(t1 - t0);
        toTurnStart.push((turnStarts[starts] ?? t1) - t0);
      }
    } finally {
      stop();
    }
    return { toTurnStart: latencyOf(toTurnStart), toAnswer: latencyOf(toAnswer) };
  } finally {
    host.kill('SIGTERM');
    const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]);
    if (!gone) host.kill('SIGKILL');
    await forget().catch(() => undefined);
    if (!gone) throw new Error('pods serve did not stop within 10 s of SIGTERM');
  }
}
