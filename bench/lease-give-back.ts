import { spawn } from 'node:child_process';
import type { OpenedContainer } from '../src/composition/container.js';
import { pollUntil } from './deadline.js';
import { latencyOf, type Latency } from './percentiles.js';

export type GiveBackReport = { readonly endToExitMs: Latency; readonly endToFreeMs: Latency };

/**
 * `pods mcp --pod NAME` as a client ends it: stdin closed, SIGTERM 0–40 ms later (the
 * process may be gone by then). From stdin's end: until the process has exited, and until the
 * store shows NAME free (read here, a read every ~1 ms, so no `pods ls` start-up is counted).
 * The lease is a minute long: free means given back.
 */
export async function leaseGiveBack(entry: string, env: NodeJS.ProcessEnv, ops: OpenedContainer, pod: string, runs: number): Promise<GiveBackReport> {
  const exits: number[] = [];
  const frees: number[] = [];
  const holder = async (): Promise<string | undefined> => (await ops.app.listAllPods.execute()).find((p) => p.name === pod)?.hostId;
  for (let run = 0; run < runs; run += 1) {
    const child = spawn(process.execPath, [entry, 'mcp', '--pod', pod], { env: { ...env, PODS_LEASE_TTL_MS: '60000' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined);
    const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())));
    try {
      await pollUntil(60_000, `pods mcp --pod ${pod} serving`, 5, async () => (stderr.includes(`serving \`${pod}\``) ? true : undefined));
      const ended = performance.now();
      child.stdin.end();
      await new Promise((r) => setTimeout(r, Math.round((run * 40) / Math.max(1, runs - 1))));
      child.kill('SIGTERM');
      const free = await pollUntil(15_000, `${pod} free after SIGTERM`, 1, async () => ((await holder()) === undefined ? performance.now() : undefined));
      const gone = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000).unref())]);
      if (gone === undefined) throw new Error(`pods mcp --pod ${pod} did not exit within 15 s of SIGTERM: ${stderr}`);
      if (child.exitCode !== 0) throw new Error(`pods mcp --pod ${pod} exited ${child.exitCode ?? child.signalCode} after SIGTERM: ${stderr}`);
      exits.push(gone - ended);
      frees.push(free - ended);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
  return { endToExitMs: latencyOf(exits), endToFreeMs: latencyOf(frees) };
}
