import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { openAgentHost, say, scriptedProfile, type AgentHost } from '../support/agent-host.js';

const pod = PodName.unsafe;
let host: AgentHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const said = (text: string) => (es: readonly HistoryEntry[]) => es.some((e) => e.kind === 'assistant_message' && e.text === text);

describe("an agent's keys in the Pod tools it calls (SPEC §6a)", () => {
  it("reach no other Pod's history: peer messages, a child's task and its next message carry them masked", async () => {
    host = await openAgentHost([scriptedProfile('scr', { env: { API_KEY: 'SECRETVALUE123' }, passEnv: ['HOST_TOKEN'] })], { env: { HOST_TOKEN: 'tok-host-secret-2' } });
    const created = await host.app.createPod.execute({ name: pod('ag2'), scope: [], profile: ProfileName.unsafe('scr'), hold: 'model' });
    expect(created.ok).toBe(true);
    expect((await host.app.runtime.attach(pod('ag2'))).ok).toBe(true);
    await host.app.createPod.execute({ name: pod('b2'), scope: [], hold: 'model' });
    await host.app.initiatePeerHandshake.execute({ from: pod('ag2'), to: pod('b2'), via: 'test' });

    const spawn = { name: 'kid', task: '#say task with SECRETVALUE123', profile: 'scr' };
    await say(host, 'ag2', [
      '#mcp SendToPeerPod {"name":"b2","message":"key=SECRETVALUE123 and tok-host-secret-2"}',
      `#mcp SpawnPod ${JSON.stringify(spawn)}`,
      '#mcp SendToPod {"name":"kid","message":"#say again SECRETVALUE123"}',
      '#say done',
    ].join('\n'));
    const own = await host.waitFor('ag2', 'the turn ended', said('done'));
    expect(own.filter((e) => e.kind === 'tool_result').map((e) => e.kind === 'tool_result' && e.outcome)).toEqual(['ok', 'ok', 'ok']);

    const peer = await host.waitFor('b2', 'the peer message', (es) => es.some((e) => e.kind === 'peer_message'));
    expect(peer.find((e) => e.kind === 'peer_message')).toMatchObject({ from: 'ag2', body: 'key=•••• and ••••' });
    const kid = await host.waitFor('kid', 'both child turns', said('again ••••'));
    expect(kid.filter((e) => e.kind === 'user_input').map((e) => e.kind === 'user_input' && e.text)).toEqual(['#say task with ••••', '#say again ••••']);
    // The operator typed the keys into ag2's input; nothing after that entry holds them.
    for (const [name, from] of [['ag2', 1], ['b2', 0], ['kid', 0]] as const) {
      const stored = JSON.stringify((await host.history(name)).slice(from));
      expect(stored).not.toContain('SECRETVALUE123');
      expect(stored).not.toContain('tok-host-secret-2');
    }
  });
});
