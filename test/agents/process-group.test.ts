import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endProcessGroup } from '../../src/adapters/acp/process-group.js';
import { UnconfinedSandbox } from '../../src/adapters/sandbox/unconfined-sandbox.js';
import { livingGroupMembers, livingOf } from '../support/agent-process.js';
import { sandbox as bubblewrap, exists, killGroup, processesWith, scopeFixture, skipSandbox, startConfined } from '../sandbox/support/confined.js';
import { eventually, until } from '../support/until.js';

/** A detached group: a leader and members, one of which outlives the leader's TERM (as npm launchers leave their binary). */
function group(script: string, cwd?: string) {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore', ...(cwd ? { cwd } : {}) });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, exited, pgid: child.pid! };
}

describe('endProcessGroup (an agent and everything it started)', () => {
  it('resolves only once no member of the group lives: the leader, its children, one that ignores SIGTERM', async () => {
    const g = group(`sleep 300 & sh -c 'trap "" TERM; while :; do sleep 1; done' & node -e 'setInterval(() => {}, 1000)' & wait`);
    await eventually(`group ${g.pgid} with 4 members`, () => livingGroupMembers(g.pgid).length >= 4);
    await endProcessGroup(g.child, g.exited, { graceMs: 200 });
    expect(livingGroupMembers(g.pgid)).toEqual([]);
  });

  it('also ends members that outlive a leader that is already gone', async () => {
    const g = group(`(trap "" TERM HUP; exec node -e 'setInterval(() => {}, 1000)') & sleep 0.2; exit 0`);
    await g.exited;
    expect(livingGroupMembers(g.pgid).length).toBe(1);
    await endProcessGroup(g.child, g.exited);
    expect(livingGroupMembers(g.pgid)).toEqual([]);
  });

  it('also ends what left the group while the leader lived (its own session, as a sandbox starts the agent), and waits until it is gone', async () => {
    await withSession('trap "" TERM HUP', 'exec node -e "setInterval(() => {}, 1000)"', async (g, session) => {
      expect(livingGroupMembers(g.pgid)).not.toContain(session);
      await endProcessGroup(g.child, g.exited, { graceMs: 200 });
      expect(livingOf([session])).toEqual([]);
    });
  });

  it('warns what runs in a session of its own with SIGTERM too, and gives all of it the grace, not only the leader', async () => {
    await withSession('trap "sleep 0.2; echo TERM > warned; exit 0" TERM', 'while :; do sleep 0.05; done', async (g, _session, dir) => {
      await endProcessGroup(g.child, g.exited, { graceMs: 5_000 });
      expect(await readFile(join(dir, 'warned'), 'utf8')).toBe('TERM\n');
    });
  });
});

/**
 * A group whose leader started `sh -c 'TRAP; …; THEN'` in a session of its own (`setsid`), in a
 * fresh directory; `test` gets the group, the session's pid and the directory. A failed run
 * leaves nothing behind either.
 */
async function withSession(trap: string, then: string, test: (g: ReturnType<typeof group>, session: number, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pods-group-'));
  let session: number | undefined;
  try {
    const pidFile = join(dir, 'session.pid');
    const g = group(`setsid sh -c '${trap}; echo $$ > ${pidFile}; ${then}' & wait`, dir);
    session = await until(async () => Number(await readFile(pidFile, 'utf8').catch(() => '')) || undefined, 10_000, 'the session started');
    await test(g, session, dir);
  } finally {
    if (session !== undefined && livingOf([session]).length > 0) process.kill(-session, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

describe.each([
  { mode: 'bwrap', box: bubblewrap, skip: skipSandbox },
  { mode: 'none', box: new UnconfinedSandbox(), skip: false },
])('endProcessGroup with an agent launched by its sandbox ($mode)', ({ box, skip }) => {
  it.skipIf(skip)('warns the program with SIGTERM, lets it stop by itself, and leaves none of the launch alive', async () => {
    const f = await scopeFixture();
    const marker = `pods-close-${process.pid}-${Date.now()}`;
    const started = await startConfined(box, f.confinement(), {
      file: 'sh', args: ['-c', `trap "sleep 0.2; echo TERM > warned.txt; exit 0" TERM; echo ready; while :; do sleep 0.05; done # ${marker}`], cwd: f.at('w'),
    });
    try {
      await eventually('the program ready', () => started.output().stdout.includes('ready'));
      const exited = new Promise((resolve) => (started.child.exitCode !== null ? resolve(undefined) : started.child.once('exit', resolve)));
      await endProcessGroup(started.child, exited, { graceMs: 10_000, leaderPassesSignals: started.confined.passesSignals });
      expect(await exists(f.at('w/warned.txt'))).toBe(true);
      expect(await processesWith(marker)).toEqual([]);
    } finally {
      killGroup(started.child);
      await f.dispose();
    }
  });
});

