import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPidOf, within } from '../mcp/raw-mcp-process.js';
import { buildCli, LAST_RESORT } from './built-cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
let home: string;
beforeAll(async () => {
  cli = await buildCli();
  home = await cli.home('leases-on-signals');
}, 120_000);
afterAll(async () => {
  await cli?.dispose();
});

// Leases that outlive every wait here: a Pod seen free was given back, not left to expire.
const env = (): NodeJS.ProcessEnv => {
  const vars: NodeJS.ProcessEnv = { ...process.env, PODS_HOME: home, PODS_LEASE_TTL_MS: '60000' };
  delete vars['PODS_DATABASE_URL'];
  return vars;
};

async function ok(...args: string[]): Promise<string> {
  const run = await cli.pods(home, ...args);
  if (run.code !== 0) throw new Error(`pods ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

/** The host holding `pod` now, per `pods ls --json` (undefined: the Pod is free). */
const holderOf = async (pod: string): Promise<string | undefined> =>
  (JSON.parse(await ok('ls', '--json')) as { name: string; hostId?: string }[]).find((p) => p.name === pod)?.hostId;

/** A long-running `pods …` with its stdin a pipe the test ends; resolves once stderr or stdout shows `ready`. */
async function host(args: readonly string[], ready: string) {
  const child = spawn(process.execPath, [cli.main, ...args], { cwd: cli.root, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const describe = () => `pods ${args.join(' ')}:\n${output}`;
  await within(30_000, () => {
    if (child.exitCode !== null) throw new Error(`exited early: ${describe()}`);
    return output.includes(ready) ? true : undefined;
  }, describe);
  return { child, exited, describe, output: () => output };
}

/** How the process ended, given `ms` to end on its own ('late': it did not, and was killed). */
async function exitsOnItsOwn(served: Awaited<ReturnType<typeof host>>, ms = 15_000): Promise<string> {
  const exited = await Promise.race([served.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), ms).unref())]);
  if (exited === 'late') served.child.kill('SIGKILL');
  return exited === 'late' ? 'late' : exited.signal ? `killed by ${exited.signal}` : `exit ${exited.code}`;
}

/** The process ends on its own with exit 0 (not killed by the signal), within `ms`. */
async function exitsCleanly(served: Awaited<ReturnType<typeof host>>, ms = 15_000): Promise<void> {
  expect(await exitsOnItsOwn(served, ms), served.describe()).toBe('exit 0');
  expect(served.output()).not.toContain(LAST_RESORT);
}

describe('no process strands a lease: stdin end and signals, in any order (built CLI, managed store, real processes)', () => {
  it('`pods mcp`: SIGTERM 0–40 ms after stdin ends, 20 times: exit 0 each time and the Pod free at once', async () => {
    await ok('create', 'race');
    const outcomes: string[] = [];
    for (let run = 0; run < 20; run++) {
      const served = await host(['mcp', '--pod', 'race'], 'serving `race`');
      const delay = Math.round((run * 40) / 19);
      served.child.stdin.end();
      await new Promise((r) => setTimeout(r, delay));
      served.child.kill('SIGTERM');
      const exited = await exitsOnItsOwn(served);
      // Asked as soon as it has exited: with its lease a minute long, free means given back.
      const holder = await holderOf('race');
      outcomes.push(`${delay}ms:${exited}:${holder === undefined ? 'free' : 'HELD'}${served.output().includes(LAST_RESORT) ? ':LAST-RESORT' : ''}`);
    }
    expect(outcomes.join(' ')).toBe(outcomes.map((o) => o.replace(/:.*$/, ':exit 0:free')).join(' '));
  }, 300_000);

  it('`pods mcp`: a signal first, then stdin ends; and SIGHUP, SIGINT alone: exit 0 and the Pod free', async () => {
    await ok('create', 'order');
    for (const [signal, thenEnd] of [['SIGTERM', true], ['SIGHUP', false], ['SIGINT', false], ['SIGHUP', true]] as const) {
      const served = await host(['mcp', '--pod', 'order'], 'serving `order`');
      served.child.kill(signal);
      if (thenEnd) served.child.stdin.end();
      await exitsCleanly(served);
      expect(await holderOf('order'), signal).toBeUndefined();
    }
  }, 120_000);

  it('`pods mcp` killed by its client (SIGTERM to the group and SIGKILL 36 ms later, as Codex does; or SIGKILL alone), 8 times with a child it hosts: both Pods free, no process left', async () => {
    await ok('create', 'hard');
    for (let run = 0; run < 8; run++) {
      // Its own process group, as a client starts it.
      const child = spawn(process.execPath, [cli.main, 'mcp', '--pod', 'hard'], { cwd: cli.root, env: env(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stdin.on('error', () => undefined);
      const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
      send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'hard-stop', version: '1' } } });
      send({ method: 'notifications/initialized' });
      send({ id: 2, method: 'tools/call', params: { name: 'SpawnPod', arguments: { name: `hard-kid-${run}`, task: 'wait' } } });
      await within(30_000, () => (output.includes('"id":2') ? true : undefined), () => output);
      expect(await holderOf(`hard-kid-${run}`), output).toBeDefined();
      const server = serverPidOf(child.pid!);

      // Even runs as Codex does; odd runs SIGKILL alone, as a client whose child handle is dropped does.
      if (run % 2 === 0) {
        process.kill(-child.pid!, 'SIGTERM');
        await new Promise((r) => setTimeout(r, 36));
      }
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        // It had stopped already.
      }
      await within(15_000, async () => ((await holderOf('hard')) === undefined && (await holderOf(`hard-kid-${run}`)) === undefined && !existsSync(`/proc/${server}`) ? true : undefined), () => `run ${run}: ${output}`);
    }
  }, 300_000);

  it('`pods serve`: SIGHUP (its terminal closed) gives the leases back and exits 0', async () => {
    await ok('create', 'served');
    const served = await host(['serve', '--pod', 'served'], 'serving `served`');
    expect(await holderOf('served')).toBeDefined();
    served.child.kill('SIGHUP');
    await exitsCleanly(served);
    expect(served.output()).toMatch(/stopping: finishing the current steps and releasing leases\n.* stopped\n/);
    expect(await holderOf('served')).toBeUndefined();
  }, 120_000);
});
