import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { constants } from 'node:os';

/** Names the descriptor on which the server started by `guardMcpServer` hears its guardian leave. */
export const LIFELINE_ENV = 'PODS_MCP_LIFELINE';
const LIFELINE_FD = 3;
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Codex sends SIGKILL 36 ms after SIGTERM, too soon to give leases back: the server runs in its own session, guarded. */
export function guardMcpServer(argv: readonly string[]): Promise<number> {
  const server = spawn(process.execPath, [...process.execArgv, ...argv], {
    detached: true,
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [LIFELINE_ENV]: String(LIFELINE_FD) },
  });
  for (const signal of FORWARDED) process.on(signal, () => void server.kill(signal));
  return new Promise((resolve) => {
    server.on('error', (error) => {
      process.stderr.write(`pods mcp: cannot start the server process (${error.message})\n`);
      resolve(2);
    });
    server.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/** The variable is taken out of the environment so that no process this one starts inherits it. */
export function guardianGone(env: NodeJS.ProcessEnv): Promise<void> | undefined {
  const named = env[LIFELINE_ENV];
  delete env[LIFELINE_ENV];
  if (named !== String(LIFELINE_FD)) return undefined;
  let lifeline: Socket;
  try {
    lifeline = new Socket({ fd: LIFELINE_FD, readable: true, writable: false });
  } catch {
    return undefined; // no such descriptor: the variable was set by hand
  }
  lifeline.unref();
  return new Promise((resolve) => {
    lifeline.on('error', () => resolve());
    lifeline.on('close', () => resolve());
    lifeline.resume();
  });
}
