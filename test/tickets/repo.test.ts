import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO, SCRIPT } from './harness.js';

/** The repository's own work items, read in place: the tool must find them from its own location. */
function run(args: string[], cwd = REPO): { code: number | null; stdout: string } {
  const env = { ...process.env };
  delete env['TICKETS_DIR'];
  const r = spawnSync(SCRIPT, args, { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout };
}

describe("this repository's work items", () => {
  it('pass doctor --strict, as CI runs it', () => {
    expect(run(['doctor', '--strict'])).toEqual({ code: 0, stdout: 'doctor: ok\n' });
  });

  it('hold one item per capability, readable from a subdirectory', () => {
    const open = JSON.parse(run(['list', '--json'], `${REPO}/docs`).stdout) as { status: string }[];
    expect(open.every((item) => item.status === 'open')).toBe(true);
    const all = JSON.parse(run(['list', '--status', 'all', '--json'], `${REPO}/docs`).stdout) as { slug: string }[];
    expect(all.map((item) => item.slug)).toEqual(expect.arrayContaining(['foundation', 'durable-store', 'pod-host', 'tui', 'tickets-sh']));
  });
});
