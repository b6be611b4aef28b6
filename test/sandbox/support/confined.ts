import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Confined, Sandbox, SandboxProbe } from '../../../src/application/ports/sandbox.js';
import { BubblewrapSandbox } from '../../../src/adapters/sandbox/bubblewrap-sandbox.js';
import { AbsolutePath } from '../../../src/domain/absolute-path.js';
import type { Confinement } from '../../../src/domain/confinement.js';
import { effectiveScope } from '../../../src/domain/effective-scope.js';
import type { ScopeRule } from '../../../src/domain/scope-rule.js';

export const sandbox = new BubblewrapSandbox();
export const probe: SandboxProbe = await sandbox.probe();
/** Without bwrap the real-sandbox suites skip locally (one line says why) and fail in CI. */
export const skipSandbox = !probe.available && !process.env['CI'];
if (skipSandbox && !probe.available) console.warn(`skipping the real-sandbox tests: ${probe.reason}`);

export const abs = (raw: string) => AbsolutePath.unsafe(raw);
export const rule = (target: string, permission: 'read' | 'write', recursive = true): ScopeRule => ({ target: abs(target), permission, recursive });

/** A scope laid out in a fresh directory: w (write, w/sub lent), ro (read), out (no rule), state, home (withheld). */
export async function scopeFixture() {
  const root = await mkdtemp(join(tmpdir(), 'pods-sandbox-'));
  const at = (p: string) => join(root, p);
  for (const dir of ['w/sub', 'ro', 'out', 'home/agents/p', 'flat/d']) await mkdir(at(dir), { recursive: true });
  await writeFile(at('out/secret.txt'), 'secret\n');
  await writeFile(at('ro/readme.txt'), 'readme\n');
  await writeFile(at('w/sub/child.txt'), 'child\n');
  await writeFile(at('flat/f.txt'), 'flat\n');
  await writeFile(at('flat/d/deep.txt'), 'deep\n');
  await writeFile(at('home/store.db'), 'store\n');
  const confinement = (grants: ScopeRule[] = [rule(at('w'), 'write'), rule(at('ro'), 'read')], lent: ScopeRule[] = [rule(at('w/sub'), 'write')]): Confinement => ({
    scope: effectiveScope(grants, lent),
    stateDirectory: abs(at('home/agents/p')),
    readOnly: [],
    withheld: [abs(at('home'))],
  });
  return { root, at, confinement, dispose: () => rm(root, { recursive: true, force: true }) };
}

export type Run = { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly timedOut: boolean };

/** Confines `launch`, spawns it the way the driver will (own process group, descriptors after stdio). */
export async function startConfined(
  box: Sandbox,
  confinement: Confinement,
  launch: { file: string; args: string[]; cwd: string; env?: Record<string, string> },
): Promise<{ child: ChildProcess; confined: Confined; closed: Promise<number | null>; output: () => { stdout: string; stderr: string } }> {
  const result = await box.confine({ env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, ...launch }, confinement);
  if (!result.ok) throw new Error(`confine refused: ${JSON.stringify(result.error)}`);
  const { launch: l } = result.value;
  const child = spawn(l.file, [...l.args], { env: { ...l.env }, cwd: l.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe', ...l.extraFds] });
  // Read and heard from the spawn on: a short command can end while the fds are released
  // below, and Node drops the output nobody reads by then (it resumes unread stdio on exit).
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  await result.value.release();
  return { child, confined: result.value, closed, output: () => ({ stdout, stderr }) };
}

/** Runs `script` under `sh -c` in the sandbox and collects its output (killed as a group after `ms`). */
export async function runConfined(confinement: Confinement, cwd: string, script: string, ms = 15_000, env?: Record<string, string>): Promise<Run> {
  const { child, closed, output } = await startConfined(sandbox, confinement, { file: 'sh', args: ['-c', script], cwd, ...(env ? { env } : {}) });
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), killGroup(child)), ms);
  const code = await closed;
  clearTimeout(timer);
  return { code, ...output(), timedOut };
}

export function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Pids whose command line contains `marker`. */
export async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

export const exists = (path: string) => readFile(path).then(() => true, () => false);
