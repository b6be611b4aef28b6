import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { endProcessGroup } from '../../src/adapters/acp/process-group.js';
import { livingGroupMembers } from '../support/agent-process.js';
import { eventually } from '../support/until.js';

/** A detached group: a leader and members, one of which outlives the leader's TERM (as npm launchers leave their binary). */
function group(script: string) {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, exited, pgid: child.pid! };
}

describe('endProcessGroup (an agent and everything it started)', () => {
  it('resolves only once no member of the group lives: the leader, its children, one that ignores SIGTERM', async () => {
    const g = group(`sleep 300 & sh -c 'trap "" TERM; while :; do sleep 1; done' & node -e 'setInterval(() => {}, 1000)' & wait`);
    await eventually(`group ${g.pgid} with 4 members`, () => livingGroupMembers(g.pgid).length >= 4);
    await endProcessGroup(g.child, g.exited, 200);
    expect(livingGroupMembers(g.pgid)).toEqual([]);
  });

  it('also ends members that outlive a leader that is already gone', async () => {
    const g = group(`(trap "" TERM HUP; exec node -e 'setInterval(() => {}, 1000)') & sleep 0.2; exit 0`);
    await g.exited;
    expect(livingGroupMembers(g.pgid).length).toBe(1);
    await endProcessGroup(g.child, g.exited);
    expect(livingGroupMembers(g.pgid)).toEqual([]);
  });
});
