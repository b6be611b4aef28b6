import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BubblewrapSandbox } from '../src/adapters/sandbox/bubblewrap-sandbox.js';
import type { Launch } from '../src/application/ports/sandbox.js';
import { AbsolutePath } from '../src/domain/absolute-path.js';
import type { Confinement } from '../src/domain/confinement.js';
import { effectiveScope } from '../src/domain/effective-scope.js';
import { decidePermission } from '../src/domain/permission-decision.js';
import type { ScopeRule } from '../src/domain/scope-rule.js';
import { latencyOf, type Latency } from './percentiles.js';

/**
 * `node dist/bench/sandbox.js`: what the sandbox adds to an agent's start, in one run.
 * Rounds alternate the four starts (`/bin/true` and `node -e 0`, each plain and under
 * bwrap, the order flipped every round) so each pair shares the machine's state. The
 * confined start includes `confine()` (planning, checking and opening every bound path);
 * it is also reported alone. Then a permission decision's cost, in microseconds.
 */
const ROUNDS = 60;
const WARM_UP = 5;
const DECISIONS = 20_000;

export type SandboxReport = {
  readonly trueMs: { readonly plain: Latency; readonly confined: Latency };
  readonly nodeMs: { readonly plain: Latency; readonly confined: Latency };
  readonly confineMs: Latency;
  readonly decisionUs: Latency;
};

const abs = (raw: string) => AbsolutePath.unsafe(raw);
const rule = (target: string, permission: 'read' | 'write'): ScopeRule => ({ target: abs(target), permission, recursive: true });

function exitOf(launch: Launch): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.file, [...launch.args], { env: { ...launch.env }, cwd: launch.cwd, stdio: ['ignore', 'ignore', 'inherit', ...launch.extraFds] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${launch.file} exited ${code}`))));
  });
}

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export async function sandboxBench(): Promise<SandboxReport> {
  const sandbox = new BubblewrapSandbox();
  const probe = await sandbox.probe();
  if (!probe.available) throw new Error(probe.reason);
  const root = await mkdtemp(join(tmpdir(), 'pods-bench-sandbox-'));
  try {
    for (const dir of ['work/lent', 'docs', 'state']) await mkdir(join(root, dir), { recursive: true });
    const confinement: Confinement = {
      scope: effectiveScope([rule(join(root, 'work'), 'write'), rule(join(root, 'docs'), 'read')], [rule(join(root, 'work/lent'), 'write')]),
      stateDirectory: abs(join(root, 'state')),
      readOnly: [],
      withheld: [],
    };
    const env = { PATH: '/usr/bin:/bin', HOME: join(root, 'state') };
    const programs = { true: { file: '/bin/true', args: [] }, node: { file: process.execPath, args: ['-e', '0'] } };
    const samples = { true: { plain: [] as number[], confined: [] as number[] }, node: { plain: [] as number[], confined: [] as number[] } };
    const confineMs: number[] = [];
    for (let round = -WARM_UP; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (['plain', 'confined'] as const) : (['confined', 'plain'] as const);
      for (const name of ['true', 'node'] as const) {
        for (const how of order) {
          const launch = { ...programs[name], env, cwd: join(root, 'work') };
          const start = process.hrtime.bigint();
          if (how === 'plain') await exitOf({ ...launch, extraFds: [] });
          else {
            const confined = await sandbox.confine(launch, confinement);
            if (!confined.ok) throw new Error(JSON.stringify(confined.error));
            if (round >= 0) confineMs.push(elapsed(start));
            const exited = exitOf(confined.value.launch);
            await confined.value.release();
            await exited;
          }
          if (round >= 0) samples[name][how].push(elapsed(start));
        }
      }
    }
    return {
      trueMs: { plain: latencyOf(samples.true.plain), confined: latencyOf(samples.true.confined) },
      nodeMs: { plain: latencyOf(samples.node.plain), confined: latencyOf(samples.node.confined) },
      confineMs: latencyOf(confineMs),
      decisionUs: decisionCost(confinement),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** One edit with two locations, decided against the scope above: microseconds each. */
function decisionCost(confinement: Confinement): Latency {
  const cwd = abs('/');
  const request = { kind: 'edit', locations: [{ path: `${confinement.scope.grants[0]!.target}/src/a.ts` }, { path: 'relative/../b.ts' }], isPodsTool: false };
  const samples: number[] = [];
  for (let i = 0; i < DECISIONS; i += 1) {
    const start = process.hrtime.bigint();
    decidePermission(request, { confinement, confined: false, cwd });
    samples.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  return latencyOf(samples.slice(DECISIONS / 10));
}

export const sandboxLines = (report: SandboxReport): readonly string[] => [
  line('/bin/true', report.trueMs.plain, report.trueMs.confined),
  line('node -e 0', report.nodeMs.plain, report.nodeMs.confined),
  `confine() alone: p50 ${report.confineMs.p50.toFixed(2)} ms, p99 ${report.confineMs.p99.toFixed(2)} ms`,
  `permission decision: p50 ${report.decisionUs.p50.toFixed(2)} µs, p99 ${report.decisionUs.p99.toFixed(2)} µs`,
];

const line = (label: string, plain: Latency, confined: Latency) =>
  `${label}: plain p50 ${plain.p50.toFixed(1)} ms, confined p50 ${confined.p50.toFixed(1)} ms (+${(confined.p50 - plain.p50).toFixed(1)} ms); p99 ${plain.p99.toFixed(1)} / ${confined.p99.toFixed(1)} ms`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await sandboxBench();
  for (const text of sandboxLines(report)) console.log(text);
  console.log(JSON.stringify(report));
}
