import { afterEach, describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import type { FollowEvent } from '../../src/application/host/store-follower.js';
import { openAgentHost, scriptedProfile, type AgentHost } from '../support/agent-host.js';
import { until } from '../support/until.js';

const pod = PodName.unsafe;
let host: AgentHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('profiles a host has, and profiles it does not', () => {
  it('does not take a Pod whose profile it lacks, says so once, and takes the ones it can run', async () => {
    host = await openAgentHost([scriptedProfile()]);
    // Another machine's host made `far` with a profile this host does not have.
    await host.uow.run((r) => r.pods.add({ name: pod('far'), scope: [], origin: { type: 'operator' }, createdAt: new Date(), profile: ProfileName.unsafe('gemini') }));
    await host.app.createPod.execute({ name: pod('near'), scope: [], profile: ProfileName.unsafe('scripted') });
    await host.app.createPod.execute({ name: pod('plain'), scope: [] });
    const events: FollowEvent[] = [];
    host.app.follower.on((event) => events.push(event));
    host.app.follower.start();
    await until(async () => (events.filter((e) => e.type === 'picked_up').length === 2 ? true : undefined), 10_000, 'both picked up');
    // A sweep finds `far` free again every lease lifetime; it is said once.
    await host.app.follower.settled();
    expect(events.map((e) => (e.type === 'picked_up' ? e.pod : e.type === 'cannot_run' ? `cannot run: ${e.reason}` : e.type)).sort()).toEqual([
      'cannot run: pod `far` runs with profile `gemini`, which this host does not have (it has: default, scripted); add it with `pods profile add gemini --acp -- COMMAND…`, or run the Pod on a host that has it',
      'near', 'plain',
    ]);
    expect(host.app.runtime.isRunning(pod('far'))).toBe(false);
  });

  it('refuses SpawnPod with a profile the host lacks or a path, naming the profiles it has; inherit takes the caller\'s', async () => {
    host = await openAgentHost([scriptedProfile('claude'), scriptedProfile('codex')]);
    await host.app.createPod.execute({ name: pod('lead'), scope: [{ target: AbsolutePath.unsafe(host.work), permission: 'write', recursive: true }], profile: ProfileName.unsafe('claude') });
    for (const profile of ['gemini', '/usr/bin/claude', '../codex']) {
      const refused = await host.app.tools.execute(pod('lead'), 'SpawnPod', { name: 'kid', task: 'x', profile });
      expect(refused).toMatchObject({ ok: false, kind: 'invalid_argument' });
      expect(!refused.ok && refused.message).toMatch(/^unknown profile .*; this host knows: default, claude, codex \(or `inherit` for your own\)$/);
    }
    const inherited = await host.app.tools.execute(pod('lead'), 'SpawnPod', { name: 'kid', task: 'x', profile: 'inherit' });
    expect(inherited).toMatchObject({ ok: true, summary: 'spawned pod `kid` (profile `claude`) with scope (none); it is working on its task', content: { profile: 'claude' } });
    const spec = host.app.tools.specs((await host.app.profiles.list()).map((p) => p.name)).find((s) => s.name === 'SpawnPod');
    expect(spec?.description).toMatch(/Profiles on this host: default, claude, codex\.$/);
  });
});
