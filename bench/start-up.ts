import { execFile, spawn } from 'node:child_process';
import { access, chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ManagedPostgres } from '../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { defer, pollUntil, within } from './deadline.js';
import { percentile } from './percentiles.js';
import { statusBytes } from './process-memory.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `tsc` makes; `package.json`'s `bin` may name a bundle of it instead. */
const UNBUNDLED = join(ROOT, 'dist', 'src', 'main.js');
const run = promisify(execFile);

/** The `pods` that `npm install` links: `package.json`'s `bin.pods`, else the tsc output. */
async function installedEntry(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['pods'];
  const path = bin ? join(ROOT, bin) : UNBUNDLED;
  return (await access(path).then(() => true, () => false)) ? path : UNBUNDLED;
}

const COLD_RUNS = 2;
const WARM_RUNS = 5;
const CLI_RUNS = 5;
const COLD_PROMPT_MS = 120_000;
const WARM_PROMPT_MS = 20_000;
const STEP_MS = 15_000;

export type Spread = { readonly p50: number; readonly max: number; readonly samples: readonly number[] };
const spread = (samples: readonly number[]): Spread => ({ p50: percentile(samples, 50), max: Math.max(...samples), samples });

export type TuiRun = {
  /** Launch to the first `main>` prompt on the screen (tmux), or to exit after `:quit` (pipe). */
  readonly ms: number;
  readonly rssAtPromptBytes?: number;
  /** VmHWM just before `:quit`: after one turn and `:pods` (tmux), or the last one read (pipe). */
  readonly peakRssBytes?: number;
  /** `store ready in N s` as the TUI reported it on a cold start. */
  readonly storeReadySeconds?: number;
};

export type StartUpReport = {
  readonly method: 'tmux' | 'pipe';
  /** What the method itself costs: tmux showing a prompt printed at once by `sh`. */
  readonly methodFloorMs?: Spread;
  /** The `pods` measured: `package.json`'s `bin`, relative to the repository. */
  readonly entry: string;
  readonly cold: readonly TuiRun[];
  readonly warm: readonly TuiRun[];
  readonly warmMs: Spread;
  readonly warmPeakRssBytes: Spread;
  readonly cli: Readonly<Record<string, Spread>>;
  /** The same warm start and `--help` through tsc's output, when `bin` names a bundle. */
  readonly unbundled?: { readonly entry: string; readonly warmMs: Spread; readonly warmPeakRssBytes: Spread; readonly helpMs: Spread };
};

/** The environment of a pods child: no store or model override from the caller's shell. */
function childEnv(home: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('PODS_')) delete env[key];
  return { ...env, PODS_HOME: home };
}

/** A private tmux server (its own socket, no user config) with a holder session and dead panes kept. */
class Tmux {
  private constructor(private readonly socket: string, private readonly env: NodeJS.ProcessEnv) {}

  static async start(dir: string, env: NodeJS.ProcessEnv): Promise<Tmux> {
    const tmux = new Tmux(join(dir, 'tmux.sock'), env);
    await tmux.cmd(['-f', '/dev/null', 'new-session', '-d', '-s', 'hold', '-x', '80', '-y', '24', 'sleep', '900']);
    await tmux.cmd(['set-option', '-g', 'remain-on-exit', 'on']);
    return tmux;
  }

  async cmd(args: readonly string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-S', this.socket, ...args], { env: this.env, timeout: 10_000 });
    return stdout;
  }

  /** The visible screen and the pane's state, in one tmux call. */
  async look(session: string): Promise<{ readonly screen: string; readonly dead: boolean; readonly status: number; readonly pid: number }> {
    const out = await this.cmd(['capture-pane', '-p', '-t', session, ';', 'display-message', '-p', '-t', session, '#{pane_dead} #{pane_dead_status} #{pane_pid}']);
    const lines = out.trimEnd().split('\n');
    const [dead, status, pid] = (lines.pop() ?? '').split(' ');
    return { screen: lines.join('\n'), dead: dead === '1', status: Number(status || 0), pid: Number(pid) };
  }

  async waitFor(session: string, pattern: RegExp, ms: number, what: string): Promise<{ readonly at: number; readonly screen: string; readonly pid: number }> {
    return pollUntil(ms, what, 5, async () => {
      const seen = await this.look(session);
      if (pattern.test(seen.screen)) return { at: performance.now(), screen: seen.screen, pid: seen.pid };
      if (seen.dead) throw new Error(`${what}: the process exited (status ${seen.status}); its screen:\n${seen.screen.trimEnd()}`);
      return undefined;
    });
  }

  async type(session: string, text: string): Promise<void> {
    await this.cmd(['send-keys', '-t', session, '-l', text]);
    await this.cmd(['send-keys', '-t', session, 'Enter']);
  }

  async stop(): Promise<void> {
    await this.cmd(['kill-server']).catch(() => undefined);
  }
}

const PROMPT = /^main>/m;

/** One TUI in an 80×24 tmux pane: time to prompt, a turn, `:pods`, peak RSS, `:quit`. */
async function tuiInTmux(tmux: Tmux, entry: string, session: string, home: string, promptMs: number): Promise<TuiRun> {
  const started = performance.now();
  await tmux.cmd(['new-session', '-d', '-s', session, '-x', '80', '-y', '24', '-c', home, '-e', `PODS_HOME=${home}`, process.execPath, entry, 'tui']);
  try {
    const prompt = await tmux.waitFor(session, PROMPT, promptMs, 'the TUI prompt `main>`');
    const ms = prompt.at - started;
    const cmdline = await readFile(`/proc/${prompt.pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(entry)) throw new Error(`the pane's process ${prompt.pid} is not the TUI (${cmdline.replaceAll('\0', ' ')})`);
    const rssAtPromptBytes = await statusBytes(prompt.pid, 'VmRSS');
    const ready = /store ready in ([\d.]+) s/.exec(prompt.screen)?.[1];
    await tmux.type(session, `hello ${session}`);
    await tmux.waitFor(session, new RegExp(`You said: hello ${session}`), STEP_MS, 'the builtin model to answer in the TUI');
    await tmux.type(session, ':pods');
    await tmux.waitFor(session, /^NAME\s+RELATION/m, STEP_MS, 'the TUI to list Pods after `:pods`');
    const peakRssBytes = await statusBytes(prompt.pid, 'VmHWM');
    await tmux.type(session, ':quit');
    const quit = await pollUntil(STEP_MS, 'the TUI to exit after `:quit`', 10, async () => {
      const seen = await tmux.look(session);
      return seen.dead ? seen : undefined;
    });
    if (quit.status !== 0) throw new Error(`the TUI exited with status ${quit.status}; its screen:\n${quit.screen.trimEnd()}`);
    return {
      ms,
      ...(rssAtPromptBytes !== undefined ? { rssAtPromptBytes } : {}),
      ...(peakRssBytes !== undefined ? { peakRssBytes } : {}),
      ...(ready ? { storeReadySeconds: Number(ready) } : {}),
    };
  } finally {
    await tmux.cmd(['kill-session', '-t', session]).catch(() => undefined);
  }
}

/** What tmux polling costs: `sh` prints the prompt at once. */
async function tmuxFloor(tmux: Tmux, session: string): Promise<number> {
  const started = performance.now();
  await tmux.cmd(['new-session', '-d', '-s', session, '-x', '80', '-y', '24', 'sh', '-c', "printf 'main> '; exec sleep 30"]);
  try {
    return (await tmux.waitFor(session, PROMPT, 10_000, 'sh to print a prompt in tmux')).at - started;
  } finally {
    await tmux.cmd(['kill-session', '-t', session]).catch(() => undefined);
  }
}

/** Without tmux: `pods tui` from a pipe that holds `:quit`, timed to its exit; VmHWM polled meanwhile. */
async function tuiFromPipe(entry: string, home: string, ms: number): Promise<TuiRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [entry, 'tui'], { cwd: home, env: childEnv(home), stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const forget = defer('`pods tui` child', async () => void child.kill('SIGKILL'));
  void exited.then(() => forget());
  child.stdin.end(':quit\n');
  let peak: number | undefined;
  let done = false;
  const code = await within(ms, '`pods tui` from a pipe to exit after `:quit`', (async () => {
    void exited.then(() => (done = true));
    while (!done) {
      peak = (await statusBytes(child.pid ?? 0, 'VmHWM')) ?? peak;
      await new Promise((r) => setTimeout(r, 5));
    }
    return exited;
  })()).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`\`pods tui\` from a pipe exited with ${code}: ${stderr.trim()}`);
  const ready = /store ready in ([\d.]+) s/.exec(stderr)?.[1];
  return { ms: elapsed, ...(peak !== undefined ? { peakRssBytes: peak } : {}), ...(ready ? { storeReadySeconds: Number(ready) } : {}) };
}

async function wallTime(entry: string, home: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [entry, ...args], { cwd: home, env: childEnv(home), timeout: 30_000 }).catch((error: unknown) => {
    const e = error as { killed?: boolean; stderr?: string };
    throw new Error(`\`pods ${args.join(' ')}\` ${e.killed ? 'did not finish within 30 s' : `failed: ${e.stderr?.trim() || String(error)}`}`);
  });
  return performance.now() - started;
}

async function timeCommand(entry: string, home: string, args: readonly string[], runs: number): Promise<Spread> {
  await wallTime(entry, home, args); // untimed: file cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await wallTime(entry, home, args));
  return spread(samples);
}

async function hasTmux(): Promise<boolean> {
  return run('tmux', ['-V'], { timeout: 5_000 }).then(() => true, () => false);
}

/** A fresh `PODS_HOME` whose managed server is stopped and which is removed at cleanup. */
async function freshHome(): Promise<{ readonly home: string; readonly release: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'pods-bench-tui-'));
  await chmod(home, 0o755); // as root, the server's service user passes through
  const release = defer(`managed server of ${home}`, async () => {
    try {
      await new ManagedPostgres({ home }).stop();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
  return { home, release };
}

/**
 * `pods tui` start-up: cold (fresh `PODS_HOME`: cluster, server, TUI) and warm (server
 * running), then `pods --help`, `ls` and `tool main ListPods '{}'` on the running server;
 * all through the installed entry, and a warm start and `--help` through tsc's output when
 * that entry is a bundle.
 */
export async function startUp(log: (line: string) => void): Promise<StartUpReport> {
  const method = process.env['BENCH_TUI_METHOD'] === 'pipe' || !(await hasTmux()) ? 'pipe' : 'tmux';
  const entry = await installedEntry();
  const scratch = await mkdtemp(join(tmpdir(), 'pods-bench-tmux-'));
  const releaseScratch = defer(`temp dir ${scratch}`, () => rm(scratch, { recursive: true, force: true }));
  let tmux: Tmux | undefined;
  let releaseTmux: (() => Promise<void>) | undefined;
  if (method === 'tmux') {
    const env = childEnv(scratch);
    delete env['PODS_HOME'];
    delete env['TMUX'];
    tmux = await Tmux.start(scratch, env);
    const started = tmux;
    releaseTmux = defer('tmux server', () => started.stop());
  }
  try {
    const once = (via: string, home: string, session: string, ms: number) =>
      tmux ? tuiInTmux(tmux, via, session, home, ms) : tuiFromPipe(via, home, ms);
    let methodFloorMs: Spread | undefined;
    if (tmux) {
      const floor: number[] = [];
      for (let i = 0; i < 3; i += 1) floor.push(await tmuxFloor(tmux, `floor${i}`));
      methodFloorMs = spread(floor);
    }
    const homes = [];
    const cold: TuiRun[] = [];
    for (let i = 0; i < COLD_RUNS; i += 1) {
      const fresh = await freshHome();
      homes.push(fresh);
      cold.push(await once(entry, fresh.home, `cold${i}`, COLD_PROMPT_MS));
      log(`  TUI cold start ${i + 1}/${COLD_RUNS}: ${cold.at(-1)!.ms.toFixed(0)} ms`);
      // Only the first home stays up for the warm runs.
      if (i > 0) await fresh.release();
    }
    const home = homes[0]!.home;
    const warmRuns = async (via: string, tag: string) => {
      const runs: TuiRun[] = [];
      for (let i = 0; i < WARM_RUNS; i += 1) runs.push(await once(via, home, `${tag}${i}`, WARM_PROMPT_MS));
      log(`  TUI warm starts (${relative(ROOT, via)}): ${runs.map((w) => w.ms.toFixed(0)).join(', ')} ms`);
      return runs;
    };
    const warm = await warmRuns(entry, 'warm');
    const cli: Record<string, Spread> = {};
    cli['node -e 0 (node itself)'] = await (async () => {
      const samples: number[] = [];
      for (let i = 0; i < CLI_RUNS; i += 1) {
        const t = performance.now();
        await run(process.execPath, ['-e', '0'], { timeout: 30_000 });
        samples.push(performance.now() - t);
      }
      return spread(samples);
    })();
    for (const args of [['--help'], ['ls'], ['tool', 'main', 'ListPods', '{}']]) {
      cli[`pods ${args.map((a) => (a === '{}' ? `'{}'` : a)).join(' ')}`] = await timeCommand(entry, home, args, CLI_RUNS);
    }
    let unbundled: StartUpReport['unbundled'];
    if (entry !== UNBUNDLED) {
      const runs = await warmRuns(UNBUNDLED, 'tsc');
      unbundled = {
        entry: relative(ROOT, UNBUNDLED),
        warmMs: spread(runs.map((w) => w.ms)),
        warmPeakRssBytes: spread(runs.map((w) => w.peakRssBytes ?? Number.NaN)),
        helpMs: await timeCommand(UNBUNDLED, home, ['--help'], CLI_RUNS),
      };
    }
    await homes[0]!.release();
    return {
      method,
      ...(methodFloorMs ? { methodFloorMs } : {}),
      entry: relative(ROOT, entry),
      cold,
      warm,
      warmMs: spread(warm.map((w) => w.ms)),
      warmPeakRssBytes: spread(warm.map((w) => w.peakRssBytes ?? Number.NaN)),
      cli,
      ...(unbundled ? { unbundled } : {}),
    };
  } finally {
    await releaseTmux?.();
    await releaseScratch();
  }
}
