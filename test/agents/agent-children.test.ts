import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { renderExplanation } from '../../src/adapters/presentation/render-explanation.js';
import { openAgentHost, say, scriptedProfile, type AgentHost } from '../support/agent-host.js';
import { until } from '../support/until.js';

const pod = PodName.unsafe;
let host: AgentHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const texts = (entries: readonly HistoryEntry[]) => entries.flatMap((e) => (e.kind === 'assistant_message' ? [e.text] : []));
const explain = async (h: AgentHost, name: string, seq: number) => {
  const explained = await h.app.explainEntry.execute({ pod: pod(name), seq });
  if (!explained.ok) throw new Error('explain failed');
  return renderExplanation(explained.value);
};

describe('agent-driven parents and children', () => {
  it('spawns a child on an agent profile that works in its lent scope, reports back, and is stopped with its agent', async () => {
    host = await openAgentHost([scriptedProfile()]);
    const work = host.work;
    await mkdir(join(work, 'sub'), { recursive: true });
    const created = await host.app.createPod.execute({
      name: pod('lead'), scope: [{ target: AbsolutePath.unsafe(work), permission: 'write', recursive: true }], profile: ProfileName.unsafe('scripted'), hold: 'model',
    });
    expect(created.ok).toBe(true);
    expect(await host.app.runtime.attach(pod('lead'))).toEqual({ ok: true, value: undefined });
    await host.app.createPod.execute({ name: pod('pal'), scope: [], hold: 'model' });
    await host.app.runtime.attach(pod('pal'));
    await host.app.initiatePeerHandshake.execute({ from: pod('lead'), to: pod('pal'), via: 'test' });

    const spawn = { name: 'kid', task: `#write ${work}/sub/out.txt made by kid\n#say wrote it`, profile: 'scripted', scope: [{ target: `${work}/sub`, permission: 'write' }] };
    await say(host, 'lead', `#mcp SpawnPod ${JSON.stringify(spawn)}\n#write ${work}/sub/parent.txt not allowed\n#say spawned`);
    await host.waitFor('lead', 'the spawn turn ended', (es) => texts(es).includes('spawned'));
    // The child's own agent wrote in its lent scope, and its parent heard it finish.
    const kid = await host.waitFor('kid', 'the child finished', (es) => texts(es).includes('wrote it'));
    expect(await readFile(join(work, 'sub', 'out.txt'), 'utf8')).toBe('made by kid');
    expect(kid.find((e) => e.kind === 'permission')).toMatchObject({ decision: 'allowed', rule: `write:${work}/sub` });
    const lead = await host.waitFor('lead', 'the completion reached the parent', (es) => es.some((e) => e.kind === 'pod_event' && e.event === 'finished'));
    // While lent, the parent may not write there: pods refused its agent, naming the loan.
    const refused = lead.find((e) => e.kind === 'permission' && e.decision === 'rejected');
    expect(refused).toMatchObject({ rule: `write:${work}`, reason: `refused edit: write ${work}/sub/parent.txt is outside the scope (write:${work}/sub is lent to a child)` });
    await expect(readFile(join(work, 'sub', 'parent.txt'))).rejects.toThrow(/ENOENT/);
    expect(host.app.runtime.isRunning(pod('kid'))).toBe(true);

    await say(host, 'lead', '#mcp ReadPodOutput {"name":"kid"}\n#mcp SendToPeerPod {"name":"pal","message":"the kid is done"}\n#say reported');
    const after = await host.waitFor('lead', 'read and told', (es) => texts(es).includes('reported'));
    const read = after.find((e) => e.kind === 'tool_result' && e.tool === 'mcp__pods__ReadPodOutput');
    expect(read?.kind === 'tool_result' && read.agent?.output).toContain('wrote it');
    const pal = await host.waitFor('pal', 'the peer got the message', (es) => es.some((e) => e.kind === 'peer_message'));
    const message = pal.find((e) => e.kind === 'peer_message');
    expect(message).toMatchObject({ from: 'lead', body: 'the kid is done' });
    expect(await explain(host, 'pal', message!.seq)).toEqual([
      expect.stringContaining('peer_message from lead: the kid is done'),
      expect.stringMatching(/^ {2}peer message #1 from `lead` over relation rel_\w+ \(current\)$/),
      expect.stringMatching(/^ {2}← created by the operator's peer command from `lead` via test at /),
    ]);
    expect(await explain(host, 'lead', refused!.seq)).toEqual([
      expect.stringContaining('permission'),
      `  rejected by pods from \`lead\`'s scope rule write:${work} (given by the operator at create)`,
    ]);

    // StopPod takes the scope back and ends the child's agent.
    const kidPid = (JSON.parse(await readFile(join(host.home, 'agents', 'kid', 'home', 'env.json'), 'utf8')) as { pid: number }).pid;
    await say(host, 'lead', `#mcp StopPod {"name":"kid"}\n#write ${work}/sub/parent.txt mine again\n#say stopped`);
    await host.waitFor('lead', 'stopped', (es) => texts(es).includes('stopped'));
    await until(async () => {
      try {
        process.kill(-kidPid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 10_000, 'the child agent gone');
    expect(await readFile(join(work, 'sub', 'parent.txt'), 'utf8')).toBe('mine again');
  });
});

describe('an agent that ends its own turn as cancelled', () => {
  it('is not taken for an operator\'s cancel: the turn ends errored with one line, and the parent hears of it', async () => {
    // Codex does this when pods refuses one of its edits: its only "no" to an edit is "abort the turn".
    host = await openAgentHost([scriptedProfile()]);
    const created = await host.app.createPod.execute({
      name: pod('lead'), scope: [{ target: AbsolutePath.unsafe(host.work), permission: 'write', recursive: true }], profile: ProfileName.unsafe('scripted'), hold: 'model',
    });
    expect(created.ok).toBe(true);
    await host.app.runtime.attach(pod('lead'));
    const spawn = { name: 'kid', task: '#say trying\n#stop cancelled', profile: 'scripted', scope: [{ target: host.work, permission: 'read' }] };
    await say(host, 'lead', `#mcp SpawnPod ${JSON.stringify(spawn)}\n#say spawned`);
    await host.waitFor('lead', 'the spawn turn ended', (es) => texts(es).includes('spawned'));
    const kid = await host.waitFor('kid', 'the child\'s turn ended', (es) => es.some((e) => e.kind === 'notice'));
    expect(kid.filter((e) => e.kind === 'notice')).toEqual([
      expect.objectContaining({ code: 'agent_stopped', text: 'the agent ended its turn early: it cancelled the turn itself, though nobody asked it to (Codex does so when one of its actions is refused)' }),
    ]);
    const lead = await host.waitFor('lead', 'the parent heard', (es) => es.some((e) => e.kind === 'pod_event'), 10_000);
    expect(lead.find((e) => e.kind === 'pod_event')).toMatchObject({ child: 'kid', event: 'errored' });
  });
});

describe('a child lent no scope', () => {
  it('runs its agent in a working directory of its own, under its state directory', async () => {
    host = await openAgentHost([scriptedProfile()]);
    const created = await host.app.createPod.execute({
      name: pod('lead'), scope: [{ target: AbsolutePath.unsafe(host.work), permission: 'write', recursive: true }], profile: ProfileName.unsafe('scripted'), hold: 'model',
    });
    expect(created.ok).toBe(true);
    await host.app.runtime.attach(pod('lead'));
    await say(host, 'lead', `#mcp SpawnPod ${JSON.stringify({ name: 'kid', task: 'no files for you', profile: 'scripted' })}\n#say spawned`);
    await host.waitFor('lead', 'the spawn turn ended', (es) => texts(es).includes('spawned'));
    const kid = await host.waitFor('kid', 'the child\'s turn ended', (es) => es.length > 1);
    expect(kid.slice(1)).toEqual([expect.objectContaining({ kind: 'assistant_message', text: 'ok: [From parent Pod `lead`]' })]);
    const started = JSON.parse(await readFile(join(host.home, 'agents', 'kid', 'home', 'env.json'), 'utf8')) as { cwd: string };
    expect(started.cwd).toBe(join(host.home, 'agents', 'kid', 'work'));
  });

  it('tells the parent why an agent child errored, in the agent\'s own terms', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await host.app.createPod.execute({ name: pod('boss'), scope: [], profile: ProfileName.unsafe('scripted'), hold: 'model' });
    await host.app.runtime.attach(pod('boss'));
    await say(host, 'boss', `#mcp SpawnPod ${JSON.stringify({ name: 'doomed', task: '#crash', profile: 'scripted' })}\n#say spawned`);
    const boss = await host.waitFor('boss', 'the child\'s end reached its parent', (es) => es.some((e) => e.kind === 'pod_event'));
    expect(boss.find((e) => e.kind === 'pod_event')).toMatchObject({ child: 'doomed', event: 'errored', message: 'its agent failed: it exited with code 3' });
  });
});
