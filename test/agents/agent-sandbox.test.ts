import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BubblewrapSandbox } from '../../src/adapters/sandbox/bubblewrap-sandbox.js';
import { UnconfinedSandbox } from '../../src/adapters/sandbox/unconfined-sandbox.js';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { probeBubblewrap } from '../../src/adapters/sandbox/bubblewrap-probe.js';
import { openAgentHost, say, scriptedProfile, type AgentHost } from '../support/agent-host.js';

const pod = PodName.unsafe;
const repo = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** The scripted agent's script and the SDK it loads: what the confined agent must read beyond its scope. */
const AGENT_FILES = [join(repo, 'test', 'support'), join(repo, 'node_modules')];
const confined = (name = 'boxed') => scriptedProfile(name, { sandbox: 'bwrap', readOnly: AGENT_FILES });

const bwrap = await probeBubblewrap();
const reason = bwrap.available ? undefined : bwrap.reason;
if (reason && process.env['CI']) throw new Error(`the sandbox tests need bubblewrap in CI: ${reason}`);

let host: AgentHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

/** What the agent said, line by line, across its messages (a step that reports ends its line). */
const texts = (entries: readonly HistoryEntry[]) => entries.flatMap((e) => (e.kind === 'assistant_message' ? [e.text] : [])).join('\n').split('\n').filter((l) => l !== '');
const answered = (h: AgentHost, name: string, last: string) => h.waitFor(name, `\`${name}\` said ${last}`, (es) => texts(es).includes(last));
/** The `count` lines said before `marker`. */
const before = (lines: readonly string[], marker: string, count: number) => lines.slice(lines.indexOf(marker) - count, lines.indexOf(marker));

async function agentPod(h: AgentHost, name: string, scope: string, profile = 'boxed') {
  const created = await h.app.createPod.execute({ name: pod(name), scope: [{ target: AbsolutePath.unsafe(scope), permission: 'write', recursive: true }], profile: ProfileName.unsafe(profile), hold: 'model' });
  if (!created.ok) throw new Error(`create: ${created.error.type}`);
  const attached = await h.app.runtime.attach(pod(name));
  if (!attached.ok) throw new Error(`attach: ${attached.error.type}`);
}

describe.skipIf(reason !== undefined)('an agent-driven Pod in the sandbox', () => {
  it('writes inside its scope, and every way out fails: its own shell, a redirect, pods\' file method', async () => {
    host = await openAgentHost([confined()]);
    const inside = join(host.work, 'in');
    await mkdir(inside);
    const outside = join(host.work, 'out');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'not for the agent');
    await agentPod(host, 'boxed', inside);
    await say(host, 'boxed', [
      `#try echo hi > ${inside}/a.txt && cat ${inside}/a.txt`,
      `#try echo leak > ${outside}/b.txt`,
      `#try cat ${outside}/secret.txt`,
      `#try echo home > ${host.home}/profiles.json`,
      `#fswrite ${outside}/c.txt via pods`,
      `#fswrite ${inside}/d.txt via pods`,
      `#shell echo ran > ${inside}/e.txt`,
      '#say done',
    ].join('\n'));
    const said = texts(await answered(host, 'boxed', 'done'));
    expect(said).toHaveLength(7);
    expect(said[0]).toBe('try ok: hi');
    expect(said[1]).toMatch(/^try failed: .*(Read-only file system|No such file or directory|Directory nonexistent)/);
    expect(said[2]).toMatch(/^try failed: .*No such file or directory/);
    expect(said[3]).toMatch(/^try failed: /);
    expect(said[4]).toBe(`fswrite refused ${outside}/c.txt: Invalid params: cannot write ${outside}/c.txt: outside this Pod's scope (no scope rule covers it)`);
    expect(said[5]).toBe(`fswrite ok ${inside}/d.txt`);
    await expect(readFile(join(outside, 'b.txt'))).rejects.toThrow(/ENOENT/);
    await expect(readFile(join(outside, 'c.txt'))).rejects.toThrow(/ENOENT/);
    await expect(readFile(join(host.home, 'profiles.json'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(inside, 'd.txt'), 'utf8')).toBe('via pods');
    // A shell command names no location: allowed because the OS bounds it, and recorded so.
    const entries = await host.history('boxed');
    expect(entries.find((e) => e.kind === 'permission')).toMatchObject({ decision: 'allowed', reason: 'allowed execute: the agent is confined by the OS sandbox to its scope' });
    expect(await readFile(join(inside, 'e.txt'), 'utf8')).toBe('ran\n');
  });

  it('restarts a parent\'s agent under its new scope once it lends a write rule, and again once the child is stopped', async () => {
    host = await openAgentHost([confined()]);
    const w = host.work;
    await mkdir(join(w, 'sub'));
    await agentPod(host, 'parent', w);
    const spawn = { name: 'kid', task: '#say idle', profile: 'boxed', scope: [{ target: `${w}/sub`, permission: 'write' }] };
    await say(host, 'parent', `#mcp SpawnPod ${JSON.stringify(spawn)}\n#say lent`);
    await answered(host, 'parent', 'lent');
    await answered(host, 'kid', 'idle');
    await host.waitFor('parent', 'the child\'s end answered', (es) => texts(es).some((l) => l.startsWith('ok: [Pod event] child `kid` finished')));
    await say(host, 'parent', `#try echo p > ${w}/sub/x\n#try echo p > ${w}/y && echo ok\n#say tried`);
    const [sub, other] = before(texts(await answered(host, 'parent', 'tried')), 'tried', 2);
    expect(sub).toMatch(/^try failed: .*Read-only file system/);
    expect(other).toBe('try ok: ok');
    await say(host, 'parent', `#mcp StopPod {"name":"kid"}\n#say stopped`);
    await answered(host, 'parent', 'stopped');
    await say(host, 'parent', `#try echo back > ${w}/sub/x && echo ok\n#say again`);
    expect(before(texts(await answered(host, 'parent', 'again')), 'again', 1)).toEqual(['try ok: ok']);
    expect(await readFile(join(w, 'sub', 'x'), 'utf8')).toBe('back\n');
    const log = (await readFile(join(host.home, 'agents', 'parent', 'home', 'requests.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { method: string }).method);
    expect(log.filter((m) => m === 'session/load')).toHaveLength(2);
  });
});

describe('where no sandbox is available', () => {
  it('refuses to start a profile that asks for it, in one line, and runs a --sandbox none profile, unconfined', async () => {
    const noBwrap = { bwrap: new BubblewrapSandbox({ path: '/nonexistent' }), none: new UnconfinedSandbox() };
    host = await openAgentHost([confined(), scriptedProfile('open')], { sandboxes: noBwrap });
    await agentPod(host, 'boxed', host.work);
    await say(host, 'boxed', 'hello');
    const refused = await host.waitFor('boxed', 'refused', (es) => es.some((e) => e.kind === 'notice'));
    expect(refused.find((e) => e.kind === 'notice')).toMatchObject({
      code: 'run_errored',
      text: 'the agent of profile `boxed` could not start: no sandbox: bwrap is not on PATH: install bubblewrap (apt install bubblewrap)',
    });
    await agentPod(host, 'open', host.work, 'open');
    await say(host, 'open', 'hello');
    expect(texts(await answered(host, 'open', 'ok: hello'))).toEqual(['ok: hello']);
    expect((await host.app.listAllPods.execute()).find((p) => p.name === 'open')).toMatchObject({ profile: 'open' });
  });
});
