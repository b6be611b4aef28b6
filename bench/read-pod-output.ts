import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { UNIT_OF_WORK } from '../src/application/ports/unit-of-work.js';
import { CreatePod } from '../src/application/use-cases/create-pod.js';
import { ReadChildOutput } from '../src/application/use-cases/read-child-output.js';
import { SpawnChildPod } from '../src/application/use-cases/spawn-child-pod.js';
import { openInversifyContainer } from '../src/composition/container.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import { startManagedServer } from './bench-stores.js';
import { defer, runAsScript, within } from './deadline.js';

/**
 * `node --expose-gc dist/bench/read-pod-output.js [MESSAGES]`: one ReadPodOutput on a child
 * whose parent's cursor is MESSAGES (default 20,000) answers of 2 KiB behind, on the managed
 * store. "whole" is what the use case did before it was bounded (every entry after the cursor,
 * in one read, its answers returned); "bounded" is the use case now. Alternated, three rounds,
 * the cursor put back before each: the time of the call, the answer's JSON, and the heap it
 * grew (after a GC first).
 */
const SIZE = 2048;
const ROUNDS = 3;

export async function readPodOutputBench(messages: number, log: (line: string) => void): Promise<void> {
  const server = await within(120_000, 'starting the managed server', startManagedServer());
  const stopServer = defer('read-pod-output server', server.stop);
  try {
    const { container, close } = await openInversifyContainer({ kind: 'postgres', url: server.url });
    const closeStore = defer('read-pod-output store', close);
    try {
      const uow = container.get(UNIT_OF_WORK);
      const me = PodName.unsafe('me');
      const kid = PodName.unsafe('kid');
      await container.get(CreatePod).execute({ name: me, scope: [] });
      const spawned = await container.get(SpawnChildPod).execute({ caller: me, name: kid, scope: [], task: MessageBody.unsafe('write') });
      if (!spawned.ok) throw new Error(`spawn: ${spawned.error.type}`);
      const text = 'x'.repeat(SIZE);
      for (let i = 0; i < messages; i += 500) {
        await uow.run(async (r) => {
          for (let j = i; j < Math.min(i + 500, messages); j++) await r.history.append(kid, { kind: 'assistant_message', text, seenThrough: 1 }, new Date());
        });
      }
      const ownership = async () => {
        const edge = await uow.run((r) => r.children.findByChild(kid));
        if (!edge) throw new Error('no ownership edge');
        return edge;
      };
      const rewind = async () => {
        const edge = await ownership();
        await uow.run((r) => r.children.update({ ...edge, outputCursor: 0 }));
      };
      const whole = async () => {
        const edge = await ownership();
        const entries = await uow.run((r) => r.history.read(kid, { after: edge.outputCursor }));
        return entries.flatMap((e) => (e.kind === 'assistant_message' ? [{ seq: e.seq, text: e.text }] : []));
      };
      const read = container.get(ReadChildOutput);
      const bounded = async () => {
        const answer = await read.execute({ caller: me, name: kid });
        if (!answer.ok) throw new Error(`ReadPodOutput: ${answer.error.type}`);
        return answer.value.messages;
      };
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) log('(no --expose-gc: heap figures include garbage)');
      log(`child: ${messages} assistant messages of ${SIZE} B behind the cursor; node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [label, run] of [['whole  ', whole], ['bounded', bounded]] as const) {
          await rewind();
          gc?.();
          const heap = process.memoryUsage().heapUsed;
          const started = performance.now();
          const answer = await run();
          const ms = performance.now() - started;
          const grew = process.memoryUsage().heapUsed - heap;
          log(`round ${round} ${label}: ${ms.toFixed(1)} ms, ${answer.length} messages, ${(JSON.stringify(answer).length / 1024).toFixed(0)} KiB of JSON, heap +${(grew / 1048576).toFixed(1)} MiB`);
        }
      }
    } finally {
      await closeStore();
    }
  } finally {
    await stopServer();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const messages = Number(process.argv[2] ?? 20_000);
  if (!Number.isInteger(messages) || messages < 1) {
    console.error(`read-pod-output: MESSAGES must be a whole number of at least 1, got ${JSON.stringify(process.argv[2])}`);
    process.exit(2);
  }
  runAsScript('read-pod-output', () => readPodOutputBench(messages, (line) => console.log(line)));
}
