import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `pods …` of the CLI at `entry` (a bundled `pods.mjs`), to its end; throws on a non-zero exit. */
export async function pods(entry: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [entry, ...args], { env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** A long-running `pods …` in a process group of its own, stdin held open; `stop` ends the group and waits. */
export function podsProcess(entry: string, env: NodeJS.ProcessEnv, ...args: string[]): { readonly child: ChildProcess; readonly output: () => string; readonly stop: () => Promise<void> } {
  const child = spawn(process.execPath, [entry, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-20_000)));
  child.stderr?.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      process.kill(-child.pid, 'SIGTERM');
      const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000).unref())]);
      if (!gone) process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
  };
}
