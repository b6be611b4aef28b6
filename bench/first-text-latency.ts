import { execFile, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BenchTimeout, within } from './deadline.js';
import { latencyOf, type Latency } from './percentiles.js';

const run = promisify(execFile);
const ENTRY = fileURLToPath(new URL('../pods.mjs', import.meta.url));
const PROMPT_MS = 60_000;
const SAMPLE_MS = 20_000;
/** Between the request and the first text, and between that text and the end: a model thinking. */
const THINK_MS = 40;

export const HAS_TMUX = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

export type FirstTextReport = {
  /** The server wrote the first text delta → the same text reached the terminal (tmux). */
  readonly firstTextMs: Latency;
  /** The server wrote the last delta → the committed reply reached the terminal. */
  readonly committedMs: Latency;
};

const chunk = (delta: unknown, finish?: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }] })}\n\n`;

/**
 * The first streamed text of a turn as an operator sees it: a streaming chat-completions
 * server on loopback writes a marked delta and notes when; `pods tui` (the built CLI) runs
 * in an 80×24 tmux pane whose output tmux pipes back here, and the time the mark arrives
 * is noted. Both clocks are this process's. `home` holds a running managed store.
 */
export async function firstTextLatency(home: string, runs: number, warmup = 2): Promise<FirstTextReport> {
  if (!HAS_TMUX) throw new Error('tmux is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'pods-first-text-'));
  const socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, '-f', '/dev/null', ...args], { timeout: 10_000 });
  const sent = new Map<string, { first: number; last: number }>();
  let turn = 0;
  const server = createServer((request, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const mark = `mark${String(turn++).padStart(3, '0')}x`;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(chunk({ role: 'assistant', content: '' }));
      setTimeout(() => {
        response.write(chunk({ content: `${mark} is the first text` }));
        const first = performance.now();
        setTimeout(() => {
          response.end(`${chunk({ content: ' and this the rest.' }, 'stop')}data: [DONE]\n\n`);
          sent.set(mark, { first, last: performance.now() });
        }, THINK_MS);
      }, THINK_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  let output = '';
  const arrivals: { text: string; at: number }[] = [];
  try {
    await run('mkfifo', [join(dir, 'out')]);
    await tmux('new-session', '-d', '-s', 'hold', '-x', '80', '-y', '24', 'sleep', '900');
    await tmux('new-session', '-d', '-s', 'tui', '-x', '80', '-y', '24', '-e', `PODS_HOME=${home}`, '-e', `PODS_MODEL_URL=${url}`, '-e', 'PODS_MODEL=bench',
      process.execPath, ENTRY, 'tui');
    const reader = createReadStream(join(dir, 'out'), { encoding: 'utf8', highWaterMark: 1024 });
    reader.on('data', (data: string | Buffer) => {
      const at = performance.now();
      output += String(data);
      arrivals.push({ text: output, at });
    });
    await tmux('pipe-pane', '-O', '-t', 'tui', `cat > '${join(dir, 'out')}'`);
    // The prompt is drawn again when the status line changes; ask for a redraw to see it at once.
    const seen = async (pattern: RegExp, ms: number, what: string): Promise<number> => {
      const deadline = performance.now() + ms;
      for (;;) {
        const hit = arrivals.find((a) => pattern.test(a.text));
        if (hit) return hit.at;
        const screen = (await tmux('capture-pane', '-p', '-t', 'tui')).stdout;
        if (pattern.test(screen)) return performance.now();
        if (performance.now() > deadline) throw new BenchTimeout(`timed out after ${ms / 1000} s: ${what}; the screen:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await seen(/main> /, PROMPT_MS, 'the TUI prompt');
    const firstText: number[] = [];
    const committed: number[] = [];
    for (let i = 0; i < warmup + runs; i += 1) {
      const mark = `mark${String(i).padStart(3, '0')}x`;
      arrivals.length = 0;
      output = '';
      await tmux('send-keys', '-t', 'tui', '-l', `say ${i}`);
      await tmux('send-keys', '-t', 'tui', 'Enter');
      const shownAt = await within(SAMPLE_MS, `the streamed text of turn ${i}`, seen(new RegExp(`│ ${mark} is the first text`), SAMPLE_MS, `turn ${i}'s first text`));
      const committedAt = await seen(new RegExp(`\\[assistant\\] ${mark} is the first text and this the rest\\.`), SAMPLE_MS, `turn ${i}'s committed reply`);
      await seen(/· turn finished/, SAMPLE_MS, `turn ${i}'s end`);
      const times = sent.get(mark);
      if (!times) throw new Error(`the server never sent ${mark}`);
      if (i < warmup) continue;
      firstText.push(shownAt - times.first);
      committed.push(committedAt - times.last);
    }
    return { firstTextMs: latencyOf(firstText), committedMs: latencyOf(committed) };
  } finally {
    await tmux('kill-server').catch(() => undefined);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
}
