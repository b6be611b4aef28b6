import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** How long a closing agent's group may take to be gone after its last SIGKILL (a large process takes a while to tear down). */
const GONE_BOUND_MS = 5_000;

/**
 * Ends a process started `detached` (the leader of its own group) and everything it started:
 * SIGTERM to the group, SIGKILL after `graceMs`, and SIGKILL once more after the leader is
 * gone for members that outlived it (npm launchers pass no signals on). Resolves once no
 * member of the group lives (bounded): a closed agent leaves no process behind.
 */
export async function endProcessGroup(child: ChildProcess, exited: Promise<unknown>, graceMs = 2_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is gone.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    if (timer) clearTimeout(timer);
    signal('SIGKILL');
    await exited;
  }
  signal('SIGKILL');
  for (const until = Date.now() + GONE_BOUND_MS; Date.now() < until && (await groupLives(pid)); ) await new Promise((resolve) => setTimeout(resolve, 25));
}

/** Whether a process of group `pgid` lives (a zombie is dead: only its parent's wait is missing). */
async function groupLives(pgid: number): Promise<boolean> {
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses, so read after its last `)`.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}
