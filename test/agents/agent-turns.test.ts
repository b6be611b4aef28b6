import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { openAgentHost, say, scriptedProfile, type AgentHost } from '../support/agent-host.js';

const pod = PodName.unsafe;
let host: AgentHost | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function agentPod(h: AgentHost, name: string, scope = '/tmp') {
  const created = await h.app.createPod.execute({
    name: pod(name), scope: [{ target: AbsolutePath.unsafe(scope), permission: 'write', recursive: true }], profile: ProfileName.unsafe('scripted'), hold: 'model',
  });
  if (!created.ok) throw new Error(`create: ${created.error.type}`);
  const attached = await h.app.runtime.attach(pod(name));
  if (!attached.ok) throw new Error(`attach: ${attached.error.type}`);
}


describe('an agent-driven Pod', () => {
  it('answers operator input through its agent, and commits the agent text as the answer', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'worker');
    await say(host, 'worker', 'hello there');
    const entries = await host.waitFor('worker', 'the agent answered', (es) => es.some((e) => e.kind === 'assistant_message'));
    const answer = entries.find((e) => e.kind === 'assistant_message');
    expect(answer).toMatchObject({ kind: 'assistant_message', text: 'ok: hello there', seenThrough: 1 });
  });

  it('records each tool call the agent makes, with its permission decision, kind and locations', async () => {
    host = await openAgentHost([scriptedProfile()]);
    const dir = host.work;
    await agentPod(host, 'writer', dir);
    const target = join(dir, 'notes.txt');
    await say(host, 'writer', `#write ${target} written by the agent\n#say finished`);
    const entries = await host.waitFor('writer', 'the turn ended', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'finished'));
    expect(entries.map((e) => e.kind)).toEqual(['user_input', 'tool_call', 'permission', 'tool_result', 'assistant_message']);
    expect(entries[1]).toMatchObject({ tool: `Write ${target}`, agent: { toolKind: 'edit', locations: [target] }, seenThrough: 1 });
    expect(entries[2]).toMatchObject({ decision: 'allowed', rule: `write:${dir}`, locations: [target] });
    expect(entries[3]).toMatchObject({ outcome: 'ok', agent: { status: 'completed', output: `wrote ${target}` } });
    expect(await readFile(target, 'utf8')).toBe('written by the agent');
  });

  it('records a tool call with the input and title the agent sends after announcing it empty, as Claude Code does', async () => {
    host = await openAgentHost([scriptedProfile()]);
    const dir = host.work;
    await agentPod(host, 'writer', dir);
    const target = join(dir, 'late.txt');
    await say(host, 'writer', `#latewrite ${target} announced late\n#say finished`);
    const entries = await host.waitFor('writer', 'the turn ended', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'finished'));
    expect(entries.map((e) => e.kind)).toEqual(['user_input', 'tool_call', 'permission', 'tool_result', 'assistant_message']);
    expect(entries[1]).toMatchObject({ tool: `Write ${target}`, input: { path: target, content: 'announced late' }, agent: { toolKind: 'edit', locations: [target] } });
    expect(entries[3]).toMatchObject({ tool: `Write ${target}`, outcome: 'ok' });
  });
});
