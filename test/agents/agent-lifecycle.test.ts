import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { openAgentHost, say, scriptedProfile, type AgentHost } from '../support/agent-host.js';
import { until } from '../support/until.js';

const pod = PodName.unsafe;
let host: AgentHost | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function agentPod(h: AgentHost, name: string, profile = 'scripted') {
  const created = await h.app.createPod.execute({
    name: pod(name), scope: [{ target: AbsolutePath.unsafe(h.work), permission: 'write', recursive: true }], profile: ProfileName.unsafe(profile), hold: 'model',
  });
  if (!created.ok) throw new Error(`create: ${created.error.type}`);
  const attached = await h.app.runtime.attach(pod(name));
  if (!attached.ok) throw new Error(`attach: ${attached.error.type}`);
}

const stateOf = (h: AgentHost, name: string) => join(h.home, 'agents', name, 'home');
const agentPid = async (h: AgentHost, name: string): Promise<number> => (JSON.parse(await readFile(join(stateOf(h, name), 'env.json'), 'utf8')) as { pid: number }).pid;
const requests = async (h: AgentHost, name: string): Promise<{ method: string; params: Record<string, unknown> }[]> => {
  const text = await readFile(join(stateOf(h, name), 'requests.jsonl'), 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as { method: string; params: Record<string, unknown> });
};
const groupGone = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
};
const notices = (entries: readonly HistoryEntry[]) => entries.flatMap((e) => (e.kind === 'notice' ? [`${e.code}: ${e.text}`] : []));
const turnEnded = (entries: readonly HistoryEntry[]) => entries.some((e) => e.kind === 'notice' || (e.kind === 'assistant_message' && e.text !== ''));

describe('an agent-driven Pod over its lifetime', () => {
  it('gives the agent the seven Pod tools through its channel, acting as the Pod', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'caller');
    await say(host, 'caller', '#mcp ListPods {}\n#say listed');
    const entries = await host.waitFor('caller', 'the listing', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'listed'));
    const result = entries.find((e) => e.kind === 'tool_result');
    expect(result).toMatchObject({ tool: 'mcp__pods__ListPods', outcome: 'ok', agent: { status: 'completed' } });
    expect(result?.kind === 'tool_result' && result.agent?.output).toContain('"name":"caller"');
    expect(entries.find((e) => e.kind === 'permission')).toMatchObject({ decision: 'allowed', title: 'mcp__pods__ListPods' });
    // The agent's environment holds nothing of the host's but PATH (and what its profile names).
    const started = JSON.parse(await readFile(join(stateOf(host, 'caller'), 'env.json'), 'utf8')) as { env: Record<string, string> };
    expect(Object.keys(started.env).filter((k) => k.startsWith('PODS_'))).toEqual([]);
    expect(started.env['HOME']).toBe(stateOf(host, 'caller'));
  });

  it('knows a Pod tool that the agent asks for under a generic title, as Codex does, by the call it announced', async () => {
    // Unconfined (the scripted profile), a request pods cannot place is refused: only a Pod tool is allowed here.
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'codexlike');
    await say(host, 'codexlike', '#codexmcp ListPods {}\n#say listed');
    const entries = await host.waitFor('codexlike', 'the listing', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'listed'));
    expect(entries.find((e) => e.kind === 'permission')).toMatchObject({
      decision: 'allowed', title: 'Tool: pods/ListPods', reason: 'allowed: one of pods\' own tools, bounded by the Pod\'s authority',
    });
    expect(entries.find((e) => e.kind === 'tool_result')).toMatchObject({ tool: 'Tool: pods/ListPods', outcome: 'ok' });
  });

  it('keeps one process between turns, parks it when idle, and resumes its session on the next input', async () => {
    host = await openAgentHost([scriptedProfile('scripted', { idleMs: 1_000 })]);
    await agentPod(host, 'sleeper');
    await say(host, 'sleeper', 'first');
    await host.waitFor('sleeper', 'first answer', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'ok: first'));
    const first = await agentPid(host, 'sleeper');
    await until(async () => (groupGone(first) ? true : undefined), 10_000, 'the idle agent parked');
    await say(host, 'sleeper', 'second');
    await host.waitFor('sleeper', 'second answer', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'ok: second'));
    const methods = (await requests(host, 'sleeper')).map((r) => r.method);
    expect(methods.filter((m) => m === 'session/new')).toHaveLength(1);
    expect(methods.filter((m) => m === 'session/load')).toHaveLength(1);
    expect(await agentPid(host, 'sleeper')).not.toBe(first);
  });

  it('starts a new session with a digest of recent history when the agent cannot resume', async () => {
    host = await openAgentHost([scriptedProfile('scripted', { idleMs: 1_000, env: { SCRIPTED_AGENT_NO_LOAD: '1' } })]);
    await agentPod(host, 'forgetful');
    await say(host, 'forgetful', 'remember the word teapot');
    await host.waitFor('forgetful', 'first answer', (es) => es.some((e) => e.kind === 'assistant_message'));
    await until(async () => (groupGone(await agentPid(host!, 'forgetful')) ? true : undefined), 10_000, 'parked');
    await say(host, 'forgetful', 'what was the word?');
    const entries = await host.waitFor('forgetful', 'second answer', (es) => es.filter((e) => e.kind === 'assistant_message').length === 2);
    expect(notices(entries), JSON.stringify(notices(entries))).toEqual([expect.stringMatching(/^agent_session_new: /)]);
    const prompts = (await requests(host, 'forgetful')).filter((r) => r.method === 'session/prompt');
    const text = JSON.stringify(prompts.at(-1)?.params);
    expect(text).toContain('remember the word teapot');
    expect(text).toContain('what was the word?');
  });

  it('cancels a turn with session/cancel and records it as cancelled', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'busy');
    await say(host, 'busy', '#hang');
    await until(async () => (host!.app.runtime.busy(pod('busy')) ? true : undefined), 10_000, 'the turn running');
    await until(async () => ((await requests(host!, 'busy')).some((r) => r.method === 'session/prompt') ? true : undefined), 10_000, 'prompted');
    expect(host.app.runtime.cancel(pod('busy'))).toBe(true);
    const entries = await host.waitFor('busy', 'cancelled', (es) => notices(es).some((n) => n.startsWith('turn_cancelled')));
    expect((await requests(host, 'busy')).some((r) => r.method === 'session/cancel')).toBe(true);
    expect(entries.find((e) => e.kind === 'assistant_message')).toMatchObject({ text: 'working' });
    // The agent is ended after a cancel: the next input is answered by a new process that resumed the session.
    const pid = await agentPid(host, 'busy');
    await until(async () => (groupGone(pid) ? true : undefined), 10_000, 'the cancelled agent ended');
    await say(host, 'busy', 'again');
    await host.waitFor('busy', 'answered again', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'ok: again'));
    expect(await agentPid(host, 'busy')).not.toBe(pid);
    expect((await requests(host, 'busy')).filter((r) => r.method === 'session/load')).toHaveLength(1);
  });

  it('answers the input after a cancel, though the agent would answer that prompt with nothing (Claude Code 0.23.1)', async () => {
    host = await openAgentHost([scriptedProfile('scripted', { env: { SCRIPTED_AGENT_STALE_AFTER_CANCEL: '1' } })]);
    await agentPod(host, 'claudish');
    await say(host, 'claudish', '#hang');
    await until(async () => ((await requests(host!, 'claudish')).some((r) => r.method === 'session/prompt') ? true : undefined), 10_000, 'prompted');
    host.app.runtime.cancel(pod('claudish'));
    await host.waitFor('claudish', 'cancelled', (es) => notices(es).some((n) => n.startsWith('turn_cancelled')));
    await say(host, 'claudish', 'after the cancel');
    const entries = await host.waitFor('claudish', 'answered', (es) => es.filter((e) => e.kind === 'assistant_message').length >= 2);
    expect(entries.filter((e) => e.kind === 'assistant_message').map((e) => e.kind === 'assistant_message' && e.text)).toEqual(['working', 'ok: after the cancel']);
  });

  it('lets the turn right after a cancel run past the cancel\'s grace period', async () => {
    host = await openAgentHost([scriptedProfile()], { timing: { cancelGraceMs: 500 } });
    await agentPod(host, 'again');
    await say(host, 'again', '#hang');
    await until(async () => ((await requests(host!, 'again')).some((r) => r.method === 'session/prompt') ? true : undefined), 10_000, 'prompted');
    host.app.runtime.cancel(pod('again'));
    await host.waitFor('again', 'cancelled', (es) => notices(es).some((n) => n.startsWith('turn_cancelled')));
    // Twenty tool calls 50 ms apart: a turn that lasts well past the 500 ms grace.
    await say(host, 'again', '#tools 20 50\n#say long done');
    const entries = await host.waitFor('again', 'the long turn ended', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'long done') || notices(es).length > 1);
    expect(notices(entries)).toEqual(['turn_cancelled: the operator cancelled this turn']);
  });

  it('kills an agent that ignores the cancel, as a process group, after the grace period', async () => {
    host = await openAgentHost([scriptedProfile()], { timing: { cancelGraceMs: 500 } });
    await agentPod(host, 'deaf');
    await say(host, 'deaf', '#deaf');
    await until(async () => ((await requests(host!, 'deaf')).some((r) => r.method === 'session/prompt') ? true : undefined), 10_000, 'prompted');
    const pid = await agentPid(host, 'deaf');
    host.app.runtime.cancel(pod('deaf'));
    await host.waitFor('deaf', 'cancelled', (es) => notices(es).some((n) => n.startsWith('turn_cancelled')));
    expect(groupGone(pid)).toBe(true);
  });

  it('ends the turn errored with one line when the agent crashes, and starts it again on the next input', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'fragile');
    await say(host, 'fragile', '#crash');
    const entries = await host.waitFor('fragile', 'the crash noticed', (es) => notices(es).length > 0);
    expect(notices(entries)).toEqual(['run_errored: the agent failed: it exited with code 3']);
    await say(host, 'fragile', 'are you back?');
    await host.waitFor('fragile', 'answered after the crash', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'ok: are you back?'));
  });

  it('gives up on an agent that never answers initialize, and leaves no process behind', async () => {
    host = await openAgentHost([scriptedProfile('scripted', { env: { SCRIPTED_AGENT_INIT: 'hang' } })], { timing: { startTimeoutMs: 800 } });
    await agentPod(host, 'mute');
    await say(host, 'mute', 'hello?');
    const entries = await host.waitFor('mute', 'the start failed', (es) => notices(es).length > 0);
    expect(notices(entries)[0]).toMatch(/^run_errored: the agent of profile `scripted` could not start: it did not answer initialize within 1 s$/);
    expect(groupGone(await agentPid(host, 'mute'))).toBe(true);
  });

  it('stops an agent that goes silent mid-turn past the bound', async () => {
    host = await openAgentHost([scriptedProfile()], { timing: { silenceMs: 800 } });
    await agentPod(host, 'stuck');
    await say(host, 'stuck', '#deaf');
    const entries = await host.waitFor('stuck', 'the silence noticed', (es) => notices(es).length > 0);
    expect(notices(entries)).toEqual(['run_errored: the agent failed: it sent nothing for 1 s and was stopped']);
    expect(groupGone(await agentPid(host, 'stuck'))).toBe(true);
  });

  it('keeps a flood of updates bounded and says what it left out', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'loud');
    await say(host, 'loud', '#flood 4200\n#tools 1200');
    const entries = await host.waitFor('loud', 'the flood ended', (es) => notices(es).length > 0, 60_000);
    // What is kept depends on how fast commits keep up; what is kept plus what is said to be left out is all of it.
    const kept = entries.flatMap((e) => (e.kind === 'assistant_message' ? [e.text] : [])).join('').length;
    expect(kept).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(entries.filter((e) => e.kind === 'tool_call')).toHaveLength(1_000);
    expect(notices(entries)).toEqual([`agent_stopped: the agent sent more than a turn keeps; left out of history: ${4200 * 1024 - kept} characters of text, 200 tool calls past the first 1000`]);
  });

  it('keeps the agent\'s keys out of history, even when the agent repeats them', async () => {
    host = await openAgentHost([scriptedProfile('scripted', { env: { SERVICE_API_KEY: 'sk-profile-secret-1' }, passEnv: ['HOST_TOKEN'] })], { env: { HOST_TOKEN: 'tok-host-secret-2' } });
    await agentPod(host, 'leaky');
    await say(host, 'leaky', '#sayenv SERVICE_API_KEY HOST_TOKEN\n#shell echo $SERVICE_API_KEY $HOST_TOKEN');
    const entries = await host.waitFor('leaky', 'the turn ended', (es) => es.some((e) => e.kind === 'tool_result'));
    const stored = JSON.stringify(entries);
    expect(stored).not.toContain('secret-1');
    expect(stored).not.toContain('secret-2');
    expect(stored).toContain('SERVICE_API_KEY=•••• HOST_TOKEN=••••');
    // The agent did get them: its environment holds both.
    const started = JSON.parse(await readFile(join(stateOf(host, 'leaky'), 'env.json'), 'utf8')) as { env: Record<string, string> };
    expect([started.env['SERVICE_API_KEY'], started.env['HOST_TOKEN']]).toEqual(['sk-profile-secret-1', 'tok-host-secret-2']);
  });

  it('copies the profile\'s home files into each Pod\'s agent home, and never through a link the agent left', async () => {
    const source = join(await mkdtemp(join(tmpdir(), 'pods-home-file-')), 'config.toml');
    await writeFile(source, 'model = "x"\n');
    host = await openAgentHost([scriptedProfile('scripted', { homeFiles: { '.agent/config.toml': source }, idleMs: 1_000 })]);
    await agentPod(host, 'configured');
    await say(host, 'configured', `#try cat ${stateOf(host, 'configured')}/.agent/config.toml\n#try rm -r $HOME/.agent && ln -s ${host.work} $HOME/.agent && echo linked\n#say end`);
    await host.waitFor('configured', 'answered', (es) => es.some((e) => e.kind === 'assistant_message' && e.text.endsWith('end')));
    const said = (await host.history('configured')).flatMap((e) => (e.kind === 'assistant_message' ? [e.text] : [])).join('');
    expect(said).toContain('try ok: model = "x"');
    expect(said).toContain('try ok: linked');
    // Parked, its next start finds a link where the directory was: it refuses to write through it.
    const pid = await agentPid(host, 'configured');
    await until(async () => (groupGone(pid) ? true : undefined), 10_000, 'parked');
    await say(host, 'configured', 'again');
    const entries = await host.waitFor('configured', 'refused', (es) => notices(es).length > 0);
    expect(notices(entries)[0]).toMatch(/could not start: .*\.agent in the agent's home is not a directory \(a link the agent left\?\); remove it$/);
    await expect(readFile(join(host.work, 'config.toml'))).rejects.toThrow(/ENOENT/);
  });

  it('deletes a removed Pod\'s agent state, so a new Pod of that name starts afresh', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'gone');
    await say(host, 'gone', 'hello');
    await host.waitFor('gone', 'answered', (es) => es.some((e) => e.kind === 'assistant_message'));
    const pid = await agentPid(host, 'gone');
    await host.app.runtime.shutdown();
    expect((await host.app.removePod.execute({ name: pod('gone'), force: false, via: 'test' })).ok).toBe(true);
    expect(await host.app.agents.discard(pod('gone'))).toBe('removed');
    expect(groupGone(pid)).toBe(true);
    await expect(readFile(join(host.home, 'agents', 'gone', 'home', 'env.json'))).rejects.toThrow(/ENOENT/);
    expect(await host.app.agents.discard(pod('gone'))).toBe('none');
  });

  it('ends every agent process and its channel when the host shuts down', async () => {
    host = await openAgentHost([scriptedProfile()]);
    await agentPod(host, 'one');
    await agentPod(host, 'two');
    await say(host, 'one', 'hi');
    await say(host, 'two', 'hi');
    await host.waitFor('one', 'one answered', (es) => es.some((e) => e.kind === 'assistant_message'));
    await host.waitFor('two', 'two answered', (es) => es.some((e) => e.kind === 'assistant_message'));
    const pids = [await agentPid(host, 'one'), await agentPid(host, 'two')];
    await host.app.runtime.shutdown();
    expect(pids.map(groupGone)).toEqual([true, true]);
  });
});
