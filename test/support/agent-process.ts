import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export type AgentCommand = {
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment of the process: nothing is inherited that is not here. */
  readonly env: Readonly<Record<string, string>>;
};

export type AgentProcess = {
  readonly child: ChildProcessWithoutNullStreams;
  /** Also the process group id: the agent leads its own group. */
  readonly pid: number;
  readonly startedAt: number;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** What the agent wrote to stderr (the last 64 KiB). */
  readonly stderr: () => string;
  /** Ends the whole group (TERM, then KILL after `graceMs`) and waits until none of it lives. */
  readonly stop: (graceMs?: number) => Promise<GroupEnded>;
  /** KILLs the whole group at once, as a crash would, and waits until none of it lives. */
  readonly kill: () => Promise<GroupEnded>;
};

const STDERR_KEEP = 64 * 1024;

/**
 * Starts an agent in its own process group (`detached`), so it and every child it starts can
 * be ended together: the Codex and Gemini npm launchers do not pass SIGTERM on to the binary
 * they start, so signalling the launcher alone leaves the agent running.
 */
export function spawnAgent(command: AgentCommand, cwd: string): AgentProcess {
  const child = spawn(command.command, [...command.args], { cwd, env: { ...command.env }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command.command}`);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  });
  // A write after the agent went away is the test's concern, not an uncaught EPIPE.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, pid, startedAt: Date.now(), exited, stderr: () => stderr, stop: (graceMs = 2_000) => endProcessGroup(pid, graceMs), kill: () => endProcessGroup(pid, 0, 10_000, 'SIGKILL') };
}

/** The pids of the processes of group `pgid` that are alive (zombies, already dead, do not count). */
export function livingGroupMembers(pgid: number): number[] {
  return livingProcesses().filter((p) => p.pgid === pgid).map((p) => p.pid);
}

/** Those of `pids` still alive (not zombies). */
export function livingOf(pids: readonly number[]): number[] {
  const alive = new Set(livingProcesses().map((p) => p.pid));
  return pids.filter((pid) => alive.has(pid));
}

/** How a group ended: after how long, and whether it took a KILL. */
export type GroupEnded = { readonly ms: number; readonly killed: boolean };

/** `first` (TERM) to the group, KILL after `graceMs`, then waits (bounded) until no member lives; throws naming survivors. */
export async function endProcessGroup(pgid: number, graceMs = 2_000, boundMs = 10_000, first: NodeJS.Signals = 'SIGTERM'): Promise<GroupEnded> {
  signalGroup(pgid, first);
  const start = Date.now();
  let killed = first === 'SIGKILL';
  while (livingGroupMembers(pgid).length > 0) {
    const waited = Date.now() - start;
    if (!killed && waited >= graceMs) {
      signalGroup(pgid, 'SIGKILL');
      killed = true;
    }
    if (waited > graceMs + boundMs) throw new Error(`process group ${pgid} still has ${livingGroupMembers(pgid).join(', ')} after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { ms: Date.now() - start, killed };
}

/**
 * The living processes whose HOME is `dir` or lies under it: every agent started with its HOME
 * in a state directory, and what it started (shells, MCP servers) wherever their process group
 * is, as long as they kept HOME. For tests whose agents another program (pods) starts.
 */
export function livingWithHomeUnder(dir: string): number[] {
  return livingProcesses().flatMap(({ pid }) => {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      return [];
    }
    const home = environ.split('\0').find((entry) => entry.startsWith('HOME='))?.slice(5);
    return home !== undefined && (home === dir || home.startsWith(`${dir}/`)) ? [pid] : [];
  });
}

/** Waits (bounded) until none of `pids` lives; throws naming the ones that do. */
export async function untilGone(pids: readonly number[], boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (let alive = livingOf(pids); alive.length > 0; alive = livingOf(pids)) {
    if (Date.now() > deadline) throw new Error(`processes still alive after ${boundMs} ms: ${alive.map(describe).join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export type MemoryUse = { readonly pssKiB: number; readonly rssKiB: number };

/** Proportional and resident memory of a process group, in KiB, in all and per member, from /proc (Linux). */
export function groupMemory(pgid: number): MemoryUse & { readonly members: readonly (MemoryUse & { readonly pid: number; readonly command: string })[] } {
  const members = livingGroupMembers(pgid).flatMap((pid) => {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
      return [{ pid, command: describe(pid).slice(0, 160), pssKiB: kib('Pss'), rssKiB: kib('Rss') }];
    } catch {
      return []; // Gone between the listing and the read.
    }
  });
  return { pssKiB: members.reduce((sum, m) => sum + m.pssKiB, 0), rssKiB: members.reduce((sum, m) => sum + m.rssKiB, 0), members };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

type ProcInfo = { readonly pid: number; readonly pgid: number };

function livingProcesses(): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') continue;
    found.push({ pid: Number(entry), pgid: Number(fields[2]) });
  }
  return found;
}

function describe(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
  } catch {
    return String(pid);
  }
}

/**
 * The agents one test started, for its `afterEach`: `endAll` ends every group (TERM, then
 * KILL), then checks that no member of any group and none of `alsoGone` (pids of processes the
 * agents started outside their group, such as MCP servers that logged their pid) is alive,
 * and throws naming the survivors.
 */
export function agentProcesses() {
  const started: AgentProcess[] = [];
  return {
    spawn(command: AgentCommand, cwd: string): AgentProcess {
      const agent = spawnAgent(command, cwd);
      started.push(agent);
      return agent;
    },
    async endAll(alsoGone: readonly number[] = []): Promise<void> {
      const agents = started.splice(0);
      for (const agent of agents) await agent.stop();
      const survivors = agents.flatMap((agent) => livingGroupMembers(agent.pid));
      if (survivors.length > 0) throw new Error(`agent processes left: ${survivors.map(describe).join('; ')}`);
      await untilGone(alsoGone);
    },
  };
}
