import { execFile } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defer, pollUntil } from './deadline.js';
import { statusBytes } from './process-memory.js';

const run = promisify(execFile);

export type TuiAttach = {
  /** VmHWM once the attach has settled (no growth for SETTLE_MS). */
  readonly peak: number;
  /** `pods tui --pod POD` started → the attach line, the tail's newest entry and the prompt on the screen. */
  readonly seconds: number;
};

/** The peak is read once it has not grown for this long: a host's own look at the Pod may follow the prompt. */
const SETTLE_MS = 2_000;

/**
 * `pods tui --pod POD` in a 160×50 tmux terminal (a private tmux server, no user config), as
 * an operator attaches: on a terminal the TUI prints the last entries, so the tail is read as
 * it is in use. `views`: the bench holds the Pod's lease for another host, so the TUI only
 * views it and no turn of this process looks at the history (what the TUI itself reads).
 */
export async function tuiAttach(bundle: string, home: string, pod: string, head: number): Promise<TuiAttach> {
  const dir = await mkdtemp(join(tmpdir(), 'pods-bench-attach-'));
  const socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, '-f', '/dev/null', ...args], { timeout: 10_000 });
  const stop = defer(`tmux for the attach to ${pod}`, async () => {
    await tmux('kill-server').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  try {
    const started = performance.now();
    // Scroll-back for ten entries of 64 KiB (about 410 rows each), so the attach line is still there to see.
    await tmux('set-option', '-g', 'history-limit', '20000', ';',
      'new-session', '-d', '-s', 'tui', '-x', '160', '-y', '50', '-e', `PODS_HOME=${home}`, process.execPath, bundle, 'tui', '--pod', pod);
    const pid = Number((await tmux('display', '-p', '-t', 'tui', '#{pane_pid}')).stdout.trim());
    const attached = new RegExp(`\\(${head} history entries, the last 10 below\\)\\n[^]*#${head} \\[[^]*\\n${pod}> $`);
    await pollUntil(600_000, `pods tui to attach to ${pod}`, 20, async () => (attached.test((await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'tui')).stdout.trimEnd() + ' ') ? true : undefined));
    const seconds = (performance.now() - started) / 1000;
    let peak = (await statusBytes(pid, 'VmHWM')) ?? Number.NaN;
    let since = performance.now();
    await pollUntil(120_000, `pods tui's memory to settle after attaching to ${pod}`, 100, async () => {
      const now = (await statusBytes(pid, 'VmHWM')) ?? peak;
      if (now > peak) [peak, since] = [now, performance.now()];
      return performance.now() - since >= SETTLE_MS ? true : undefined;
    });
    await tmux('send-keys', '-t', 'tui', 'C-d');
    await pollUntil(60_000, `pods tui (${pod}) to quit`, 50, async () => (await access(`/proc/${pid}`).then(() => undefined, () => true)));
    return { peak, seconds };
  } finally {
    await stop();
  }
}
