import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** How long a closing agent's processes may take to be gone after the last SIGKILL (a large process takes a while to tear down). */
const GONE_BOUND_MS = 5_000;

/** A process as /proc shows it; `start` (clock ticks after boot) tells a pid's process from a later one with its number. */
type ProcessRow = { readonly pid: number; readonly ppid: number; readonly pgrp: number; readonly start: string; readonly dead: boolean };

/**
 * Ends a process started `detached` (the leader of its own group) and everything it started,
 * and resolves once none of it lives (bounded): a closed agent leaves no process behind.
 * What is below the leader is found while the leader lives, whatever its group (bubblewrap's
 * `--new-session` puts the agent in a session of its own). SIGTERM goes to every group led
 * among them, and to the leader's own unless `leaderPassesSignals` is false (a wrapper such as
 * bubblewrap dies of it at once and takes the agent down unwarned). What still lives after
 * `graceMs` is SIGKILLed, and once more after the leader is gone for what outlived it (npm
 * launchers pass no signals on).
 */
export async function endProcessGroup(
  child: ChildProcess,
  exited: Promise<unknown>,
  { graceMs = 2_000, leaderPassesSignals = true }: { readonly graceMs?: number; readonly leaderPassesSignals?: boolean } = {},
): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const tree = descendantsOf(pid, await processTable());
  const below = [...new Set(tree.filter((row) => row.pgrp === row.pid).map((row) => row.pid))];
  const groups = [pid, ...below];
  /** Resolves once none of it lives, or after `ms`. */
  const gone = async (ms: number): Promise<void> => {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 25))) {
      const now = await processTable();
      if (!now.some((row) => groups.includes(row.pgrp) && !row.dead) && living(tree, now).length === 0) return;
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    for (const group of leaderPassesSignals || below.length === 0 ? groups : below) send(-group, 'SIGTERM');
    await gone(graceMs);
  }
  for (const group of groups) send(-group, 'SIGKILL');
  await exited;
  for (const group of groups) send(-group, 'SIGKILL');
  for (const row of living(tree, await processTable())) send(row.pid, 'SIGKILL');
  await gone(GONE_BOUND_MS);
}

/** `target` as `process.kill` takes it: a pid, or a group as its negative. */
function send(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // It is gone.
  }
}

/** The processes below `root` (children, theirs, …), by parent links, whatever their group or session. */
function descendantsOf(root: number, table: readonly ProcessRow[]): ProcessRow[] {
  const found: ProcessRow[] = [];
  for (let parents = new Set([root]); parents.size > 0; ) {
    const children = table.filter((row) => parents.has(row.ppid) && !found.includes(row));
    found.push(...children);
    parents = new Set(children.map((row) => row.pid));
  }
  return found;
}

/** Those of `rows` alive in `now`: the same pid and start, not a zombie (dead, only its parent's wait missing). */
const living = (rows: readonly ProcessRow[], now: readonly ProcessRow[]): ProcessRow[] =>
  rows.filter((row) => now.some((n) => n.pid === row.pid && n.start === row.start && !n.dead));

async function processTable(): Promise<ProcessRow[]> {
  const rows: ProcessRow[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat === '') continue;
    // `pid (comm) state ppid pgrp session tty tpgid flags … starttime` (22nd): comm may hold spaces and parentheses, so read after its last `)`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, ppid, pgrp] = fields;
    rows.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), start: fields[19] ?? '', dead: state === 'Z' || state === 'X' });
  }
  return rows;
}
