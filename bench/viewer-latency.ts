import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pods, podsProcess } from './cli-processes.js';
import { BenchTimeout, pollUntil } from './deadline.js';
import { latencyOf, type Latency } from './percentiles.js';

const run = promisify(execFile);
/** Between two chunks of a turn: a model streaming at a typical pace. */
const CHUNK_GAP_MS = 40;
const chunk = (delta: unknown, finish?: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }] })}\n\n`;

/**
 * A streamed chunk on the host → shown by a viewer in another process: `pods serve` (one
 * process) runs the Pod's turns against a streaming model server in this process, which
 * notes when it writes each marked chunk; `pods tui` (another process, a 200×30 tmux pane
 * whose output tmux pipes back here) views the Pod, and the time each mark first reaches
 * its terminal is noted. Both clocks are this process's. The model → host hop (loopback
 * HTTP) is inside the figure.
 */
export async function viewerLatency(entry: string, home: string, turns: number, chunksPerTurn: number): Promise<Latency> {
  const dir = await mkdtemp(join(tmpdir(), 'pods-viewer-'));
  const socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, '-f', '/dev/null', ...args], { timeout: 10_000 });
  const sent = new Map<string, number>();
  let turn = 0;
  const server = createServer((request, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const t = turn++;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(chunk({ role: 'assistant', content: '' }));
      let i = 0;
      const next = (): void => {
        if (i === chunksPerTurn) return void response.end(`${chunk({ content: '.' }, 'stop')}data: [DONE]\n\n`);
        const mark = `t${t}c${i++}x`;
        response.write(chunk({ content: `${mark} ` }));
        sent.set(mark, performance.now());
        setTimeout(next, CHUNK_GAP_MS);
      };
      setTimeout(next, CHUNK_GAP_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const env = { PODS_HOME: home, PODS_MODEL_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, PODS_MODEL: 'bench' };
  await pods(entry, env, 'create', 'viewed');
  const host = podsProcess(entry, env, 'serve', '--pod', 'viewed');
  let output = '';
  const shown = new Map<string, number>();
  try {
    await pollUntil(30_000, '`pods serve` to serve', 50, async () => (host.output().includes(' serving ') ? true : undefined));
    await run('mkfifo', [join(dir, 'out')]);
    await tmux('new-session', '-d', '-s', 'hold', '-x', '80', '-y', '24', 'sleep', '900');
    await tmux('new-session', '-d', '-s', 'viewer', '-x', '200', '-y', '30', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), process.execPath, entry, 'tui', '--pod', 'viewed');
    const reader = createReadStream(join(dir, 'out'), { encoding: 'utf8', highWaterMark: 1024 });
    reader.on('data', (data: string | Buffer) => {
      const at = performance.now();
      output = (output + String(data)).slice(-8_000);
      for (const mark of sent.keys()) if (!shown.has(mark) && output.includes(mark)) shown.set(mark, at);
    });
    await tmux('pipe-pane', '-O', '-t', 'viewer', `cat > '${join(dir, 'out')}'`);
    const screen = async () => (await tmux('capture-pane', '-p', '-t', 'viewer')).stdout;
    // The status line says whose the Pod is once the TUI has attached (a pane's capture drops the prompt's trailing space).
    await pollUntil(60_000, 'the viewer\'s prompt', 20, async () => (/· idle\nviewed>/.test(await screen()) ? true : undefined));
    const samples: number[] = [];
    for (let t = 0; t <= turns; t += 1) {
      await tmux('send-keys', '-t', 'viewer', '-l', `go ${t}`);
      await tmux('send-keys', '-t', 'viewer', 'Enter');
      const last = `t${t}c${chunksPerTurn - 1}x`;
      await pollUntil(30_000, `turn ${t} to reach the viewer`, 20, async () => (shown.has(last) ? true : undefined));
      await pollUntil(30_000, `turn ${t} to end`, 20, async () => (/· turn finished/.test(output) ? true : undefined)).catch(async (error: unknown) => {
        throw error instanceof BenchTimeout ? new BenchTimeout(`${error.message}; the viewer:\n${await screen()}`) : error;
      });
      output = '';
      if (t === 0) continue; // the first turn warms both processes up
      for (let i = 0; i < chunksPerTurn; i += 1) samples.push(shown.get(`t${t}c${i}x`)! - sent.get(`t${t}c${i}x`)!);
    }
    return latencyOf(samples);
  } finally {
    await tmux('kill-server').catch(() => undefined);
    await host.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
}
