import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { LAST_RESORT } from '../cli/built-cli.js';

/** One JSON-RPC message the server wrote: a line of its stdout, parsed. */
export type WireMessage = {
  readonly jsonrpc?: unknown;
  readonly id?: string | number;
  readonly method?: string;
  readonly result?: { readonly content?: { type: string; text: string }[]; readonly isError?: boolean; readonly [key: string]: unknown };
  readonly error?: { readonly code: number; readonly message: string };
};

export const INITIALIZE = {
  jsonrpc: '2.0',
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-wire', version: '1.0.0' } },
} as const;

/** Polls `check` until it returns a value other than undefined, or throws after `ms` with `what()`. */
export async function within<T>(ms: number, check: () => T | undefined | Promise<T | undefined>, what: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The server process of `pods mcp` started from a pipe: that process guards its server, a
 * child in a session of its own (src/adapters/mcp/mcp-guardian.ts). `guardian` itself if it
 * has no child (yet, or any more).
 */
export function serverPidOf(guardian: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // After the command name (in parentheses, which may hold spaces): the state, then the parent's pid.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === guardian) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return guardian;
}

/**
 * `node <cli> mcp --pod NAME` with raw pipes: the test writes whatever bytes it wants to
 * stdin and reads stdout as newline-delimited JSON (a line that is not JSON fails the test:
 * stdout must carry MCP only).
 */
export function startRawMcp(main: string, cwd: string, pod: string, env: NodeJS.ProcessEnv) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [main, 'mcp', '--pod', pod], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let pending = '';
  const messages: WireMessage[] = [];
  const junk: string[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      try {
        messages.push(JSON.parse(line) as WireMessage);
      } catch {
        junk.push(line);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A write after the server went away is the test's concern, not an uncaught EPIPE.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let nextId = 1000;

  const describe = () => `pods mcp --pod ${pod}; stderr:\n${stderr}\nstdout: ${JSON.stringify(messages).slice(0, 2000)}`;
  const running = () => child.exitCode === null && child.signalCode === null;
  const assertHealthy = () => {
    if (stderr.includes(LAST_RESORT)) throw new Error(`last-resort handler fired: ${describe()}`);
    if (junk.length > 0) throw new Error(`stdout carried a line that is not JSON: ${JSON.stringify(junk[0]?.slice(0, 200))}`);
  };

  const write = (text: string | Buffer): Promise<void> =>
    new Promise((resolve, reject) => child.stdin.write(text, (error) => (error ? reject(error) : resolve())));
  const send = (message: object | string): Promise<void> => write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);

  /** The answer with this `id`, within `ms`. */
  const answerTo = (id: string | number, ms = 20_000): Promise<WireMessage> =>
    within(ms, () => {
      assertHealthy();
      const found = messages.find((m) => m.id === id && (m.result !== undefined || m.error !== undefined));
      if (found) return found;
      if (!running()) throw new Error(`exited before answering ${JSON.stringify(id)}: ${describe()}`);
      return undefined;
    }, () => `no answer to id ${JSON.stringify(id)}: ${describe()}`);

  const request = async (method: string, params?: object): Promise<WireMessage> => {
    const id = nextId++;
    await send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    return answerTo(id);
  };

  const serverPid = (): number => serverPidOf(child.pid!);

  return {
    child,
    pid: child.pid,
    exited,
    messages,
    stderr: () => stderr,
    running,
    assertHealthy,
    write,
    send,
    request,
    answerTo,
    callTool: (name: string, args: Record<string, unknown>) => request('tools/call', { name, arguments: args }),
    /** Waits for the `serving …` line on stderr; rejects if the process exits first. */
    started: (ms = 30_000) =>
      within(ms, () => {
        assertHealthy();
        if (stderr.includes('serving `')) return true;
        if (!running()) throw new Error(`exited before serving: ${describe()}`);
        return undefined;
      }, describe),
    /** The next message not in `seen` (by index), within `ms`. */
    nextAfter: (seen: number, ms = 20_000) => within(ms, () => (assertHealthy(), messages[seen]), () => `no message #${seen + 1}: ${describe()}`),
    /** The server's peak resident set (VmHWM) in bytes, from /proc: the process `pods mcp` guards, not the guardian. */
    peakRss: (): number => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${serverPid()}/status`, 'utf8'));
      if (!match?.[1]) throw new Error('no VmHWM in /proc status');
      return Number(match[1]) * 1024;
    },
    /** A crash, as a power cut or the OOM killer makes one: the server and its guardian SIGKILLed, nothing given back. */
    crash: async () => {
      const server = serverPid();
      if (server !== child.pid) process.kill(server, 'SIGKILL');
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    describe,
  };
}

export type RawMcp = ReturnType<typeof startRawMcp>;
