import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { recordedLayout } from '../../src/adapters/persistence/managed-postgres/server-layout.js';
import type { buildCli, ProcessRun } from '../cli/built-cli.js';
import { endProcessGroup, livingGroupMembers, livingWithHomeUnder } from './agent-process.js';

export type BuiltCli = Awaited<ReturnType<typeof buildCli>>;

/** An entry as `pods history --json` prints it (only what the tests read is typed). */
export type Entry = { readonly seq: number; readonly kind: string; readonly [field: string]: unknown };

/**
 * Where these tests keep their runs (the CLI build, `$PODS_HOME`, the Pods' work): outside the
 * temp dir, since a confined agent has a private /tmp (it would not see the relay there) and
 * Codex refuses to make its sandbox helper under it.
 */
export async function runsDir(): Promise<string> {
  const base = process.env['PODS_AGENT_RUNS_DIR'] || join(homedir(), '.cache', 'pods-agent-runs');
  await mkdir(base, { recursive: true });
  return base;
}

/**
 * One operator's machine: a `$PODS_HOME` on the default store (the managed PostgreSQL, made
 * by the first command), a work directory for the Pods' scopes, and the built CLI to drive it.
 */
export async function operatorMachine(cli: BuiltCli) {
  const root = await mkdtemp(join(await runsDir(), 'pods-e2e-'));
  const home = join(root, 'home');
  const work = join(root, 'work');
  await mkdir(work);
  let serving: Served | undefined;

  /** `pods …`; refuses (throws with its output) unless it exits 0. */
  const pods = async (...args: string[]): Promise<string> => {
    const run = await cli.pods(home, ...args);
    if (run.code !== 0) throw new Error(`pods ${args.join(' ')} exited ${run.code}:\n${run.stdout}${run.stderr}`);
    return run.stdout;
  };

  const agentLog = (pod: string) => readFile(join(home, 'agents', pod, 'agent.log'), 'utf8').catch(() => '(no agent.log)');

  return {
    root, home, work, pods, agentLog,
    history: async (pod: string): Promise<Entry[]> => JSON.parse(await pods('history', pod, '--json')) as Entry[],
    /**
     * What an operator types into the TUI viewing `pod` (run by `pods serve`): the piped TUI
     * commits the line to the Pod's history and exits; the host that runs the Pod answers.
     */
    say: (pod: string, line: string): Promise<ProcessRun> => piped(cli, home, `${line}\n`, ['tui', '--pod', pod]),
    /** `pods serve` as the host of every Pod, in its own process group; `env` is what profiles' `--pass-env` take from. */
    serve: (env: Record<string, string>): Served => {
      serving = served(cli.start(['serve'], { PODS_HOME: home, PODS_DATABASE_URL: '', ...env }, { detached: true }));
      return serving;
    },
    /**
     * Ends the host (if a test left it running), checks that nothing an agent started is
     * left, stops the store server and removes the run. Throws naming what was left.
     */
    close: async (): Promise<void> => {
      const problems: string[] = [];
      if (serving) await serving.stop().catch((error: unknown) => problems.push(String(error)));
      await new ManagedPostgres({ home }).stop().catch(() => undefined);
      // Agents, their shells and the MCP relays they start keep HOME under $PODS_HOME; a relay also names its socket there.
      const left = [...new Set([...livingWithHomeUnder(home), ...livingNaming(home)])];
      if (left.length > 0) problems.push(`processes of the Pods' agents left: ${left.map(describe).join('; ')}`);
      // As root, a home the store's service user cannot reach keeps the store elsewhere.
      const layout = await recordedLayout(home).catch(() => undefined);
      if (process.env['PODS_KEEP_AGENT_STATE']) console.log(`kept ${root} (its store in ${layout?.serverDir ?? 'it'})`);
      else {
        if (layout && !layout.serverDir.startsWith(`${root}/`)) await rm(layout.serverDir, { recursive: true, force: true });
        await rm(root, { recursive: true, force: true });
      }
      if (problems.length > 0) throw new Error(problems.join('\n'));
    },
  };
}

export type OperatorMachine = Awaited<ReturnType<typeof operatorMachine>>;

export type Served = {
  readonly pid: number;
  readonly output: () => string;
  /** Resolves once `pods serve` has logged a line matching `pattern` `count` times; rejects if it exits or `ms` pass. */
  readonly logged: (pattern: RegExp, count?: number, ms?: number) => Promise<void>;
  /** SIGTERM, as an operator's Ctrl+C or a service manager would; resolves with its exit code once its whole group is gone. */
  readonly stop: () => Promise<number | null>;
};

function served(process: ReturnType<BuiltCli['start']>): Served {
  const pid = process.child.pid!;
  const output = () => {
    const { stdout, stderr } = process.output();
    return `${stdout}${stderr}`;
  };
  let stopping: Promise<number | null> | undefined;
  return {
    pid,
    output,
    logged: async (pattern, count = 1, ms = 120_000) => {
      const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
      const deadline = Date.now() + ms;
      while ((process.output().stdout.match(global)?.length ?? 0) < count) {
        if (process.child.exitCode !== null) throw new Error(`pods serve exited ${process.child.exitCode} before logging ${pattern} ×${count}:\n${output()}`);
        if (Date.now() > deadline) throw new Error(`pods serve did not log ${pattern} ×${count} within ${ms} ms:\n${output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: () => (stopping ??= (async () => {
      if (process.child.exitCode === null) process.child.kill('SIGTERM');
      // Agents get their cancel grace (5 s) and then their group's KILL; a generous bound above that.
      const code = await Promise.race([process.exited, new Promise<'late'>((resolve) => setTimeout(resolve, 30_000, 'late'))]);
      if (livingGroupMembers(pid).length > 0 || code === 'late') {
        await endProcessGroup(pid, 0, 10_000, 'SIGKILL');
        throw new Error(`pods serve did not end on SIGTERM within 30 s:\n${output()}`);
      }
      return code;
    })()),
  };
}

/** `pods ARGS…` with `input` on its stdin (a pipe, not a terminal). */
function piped(cli: BuiltCli, home: string, input: string, args: readonly string[]): Promise<ProcessRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, PODS_HOME: home };
  delete env['PODS_DATABASE_URL'];
  const child = spawn(process.execPath, [cli.main, ...args], { cwd: cli.root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const bound = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(bound);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Living processes (not zombies) whose command line names something under `dir`, other than this one. */
function livingNaming(dir: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))) return [];
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`${dir}/`) ? [Number(entry)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

function describe(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200)}`;
  } catch {
    return String(pid);
  }
}
