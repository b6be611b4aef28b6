import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { PassThrough, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { runDash } from '../src/adapters/tui/dash/run-dash.js';
import { NO_COLOURS } from '../src/adapters/tui/palette.js';
import { UNIT_OF_WORK } from '../src/application/ports/unit-of-work.js';
import { podsApp } from '../src/composition/pods-app.js';
import { openInversifyContainer } from '../src/composition/container.js';
import { PodName } from '../src/domain/pod-name.js';
import { pollUntil } from './deadline.js';
import { percentile } from './percentiles.js';

const run = promisify(execFile);

export type DashReport = {
  readonly pods: number;
  /** runDash called → the first frame, with every Pod read, written (in process), each run. */
  readonly inProcessMs: readonly number[];
  /** `pods dash` started → its first frame on a tmux terminal (Node start and the store's opening included). */
  readonly processMs: number;
  /** The `pods dash` process's CPU over `idleWindowS`, idle, as a share of one core. */
  readonly idleCpuPercent: number;
  readonly idleWindowS: number;
};

/** `count` Pods in the store at `home`: a tenth of them children of the others, every tenth pair of operator Pods peers. */
export async function populate(home: string, count: number): Promise<void> {
  const { container, close } = await openInversifyContainer({ kind: 'managed', home });
  try {
    const uow = container.get(UNIT_OF_WORK);
    const at = new Date();
    const name = (i: number) => PodName.unsafe(`pod-${String(i).padStart(4, '0')}`);
    await uow.run(async (repos) => {
      for (let i = 0; i < count; i += 1) {
        const parent = i % 10 === 9 ? name(i - 1) : undefined;
        await repos.pods.add({ name: name(i), scope: [], origin: parent ? { type: 'spawned', parent } : { type: 'operator' }, createdAt: at });
        if (parent) await repos.children.add({ parent, child: name(i), scope: [], state: 'outstanding', spawnedAt: at, outputCursor: 0 });
        await repos.history.append(name(i), { kind: 'user_input', text: `hello ${i}`, origin: { type: 'operator' } }, at);
      }
    });
    const app = podsApp(container);
    for (let i = 0; i + 10 < count; i += 40) await app.initiatePeerHandshake.execute({ from: name(i), to: name(i + 10), via: 'bench' });
  } finally {
    await close();
  }
}

/** The dashboard over `pods` Pods: its first paint, in this process and as a `pods dash` process, and that process's CPU while idle. */
export async function dashBench(entry: string, home: string, pods: number, idleWindowMs: number): Promise<DashReport> {
  const inProcessMs: number[] = [];
  const { container, close } = await openInversifyContainer({ kind: 'managed', home });
  try {
    const app = podsApp(container);
    for (let i = 0; i < 5; i += 1) {
      const keys = new PassThrough();
      const output = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { columns: 120, rows: 40 });
      const started = performance.now();
      let painted = 0;
      const ended = runDash({ app, keys, output, palette: NO_COLOURS, refreshMs: 10_000, painted: () => (painted = performance.now()) });
      await pollUntil(10_000, 'the first frame', 1, async () => (painted > 0 ? true : undefined));
      inProcessMs.push(painted - started);
      keys.write('q');
      await ended;
    }
  } finally {
    await close();
  }
  const socket = `/tmp/pods-dash-bench-${process.pid}.sock`;
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, '-f', '/dev/null', ...args], { timeout: 10_000 });
  try {
    await tmux('new-session', '-d', '-s', 'hold', '-x', '80', '-y', '24', 'sleep', '900');
    const started = performance.now();
    await tmux('new-session', '-d', '-s', 'dash', '-x', '120', '-y', '40', '-e', `PODS_HOME=${home}`, process.execPath, entry, 'dash');
    await pollUntil(30_000, 'the dashboard\'s first frame', 5, async () => (/pods dash · \d+ Pods/.test((await tmux('capture-pane', '-p', '-t', 'dash')).stdout) ? true : undefined));
    const processMs = performance.now() - started;
    const pid = Number((await tmux('display', '-p', '-t', 'dash', '#{pane_pid}')).stdout.trim());
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // past start-up
    const before = await cpuTicks(pid);
    const from = performance.now();
    await new Promise((resolve) => setTimeout(resolve, idleWindowMs));
    const seconds = (performance.now() - from) / 1000;
    const ticks = (await cpuTicks(pid)) - before;
    return { pods, inProcessMs, processMs, idleCpuPercent: (ticks / 100 / seconds) * 100, idleWindowS: seconds };
  } finally {
    await tmux('send-keys', '-t', 'dash', 'q').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await tmux('kill-server').catch(() => undefined);
    await rm(socket, { force: true });
  }
}

/** utime + stime of a process, in clock ticks (100 a second on Linux). */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export const medianOf = (samples: readonly number[]): number => percentile(samples, 50);
