import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import type { AgentLaunch, PodToolChannels } from '../../src/application/ports/coding-agents.js';
import { AgentFailure } from '../../src/application/ports/coding-agents.js';
import { parseAcpProfile } from '../../src/domain/profile.js';
import { makeWorld, name, type World } from '../support/world.js';

// SPEC §6a: what an agent holds never reaches history. A Pod tool the agent calls writes into other
// Pods' histories (a peer's, a child's), so the call carries the caller's secrets masked or not at all.
const SECRET = 'SECRETVALUE123';
const secrets = [SECRET] as const;

describe("an agent's secrets in the Pod tools it calls", () => {
  let w: World;
  const call = (tool: string, input: unknown) => w.tools.execute(name('ag'), tool, input, { secrets });
  const everything = async (pod: string) => JSON.stringify(await w.history(pod));

  beforeEach(async () => {
    w = makeWorld(new InMemoryUnitOfWork());
    await w.create('ag');
    await w.create('pal');
    await w.peer('ag', 'pal');
  });

  it('SendToPeerPod commits the message to the peer with the secret masked', async () => {
    const sent = await call('SendToPeerPod', { name: 'pal', message: `key=${SECRET}`, idempotency_key: `k-${SECRET}` });
    expect(sent.ok).toBe(true);
    const history = await w.history('pal');
    expect(history.find((e) => e.kind === 'peer_message')).toMatchObject({ from: 'ag', body: 'key=••••', idempotencyKey: 'k-••••' });
    expect(await everything('pal')).not.toContain(SECRET);
  });

  it("SpawnPod gives the child a task with the secret masked, and SendToPod the child's next message", async () => {
    const spawned = await call('SpawnPod', { name: 'kid', task: `use ${SECRET} for the API` });
    expect(spawned.ok).toBe(true);
    expect((await w.history('kid')).find((e) => e.kind === 'user_input')).toMatchObject({ text: 'use •••• for the API' });
    const sent = await call('SendToPod', { name: 'kid', message: `again: ${SECRET}` });
    expect(sent.ok).toBe(true);
    expect(await everything('kid')).toContain('again: ••••');
    expect(await everything('kid')).not.toContain(SECRET);
    expect(await everything('ag')).not.toContain(SECRET);
  });

  it('masks a secret however deep it sits, and one with JSON-special characters as it is, not as JSON spells it', async () => {
    const quoted = 'pa"ss\\word\n1';
    const sent = await w.tools.execute(name('ag'), 'SendToPeerPod', { name: 'pal', message: `a ${quoted} b ${SECRET}` }, { secrets: [SECRET, quoted] });
    expect(sent.ok).toBe(true);
    expect((await w.history('pal')).find((e) => e.kind === 'peer_message')).toMatchObject({ body: 'a •••• b ••••' });
  });

  it('refuses a Pod name that holds a secret without repeating it: the masked name is no Pod name', async () => {
    const refused = await call('SpawnPod', { name: `x${SECRET}`, task: 'hi' });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain(SECRET);
    expect(await w.uow.run((r) => r.pods.get(name(`x${SECRET}`)))).toBeUndefined();
  });

  it('masks the longer of two overlapping secrets whole, and leaves secrets under 4 characters alone', async () => {
    await w.tools.execute(name('ag'), 'SendToPeerPod', { name: 'pal', message: 'xxSECRyy and abc' }, { secrets: ['SECR', 'xxSECRyy', 'abc'] });
    expect((await w.history('pal')).find((e) => e.kind === 'peer_message')).toMatchObject({ body: '•••• and abc' });
  });

  it('changes nothing for a caller that holds no secrets (the operator, `pods mcp`)', async () => {
    await w.tool('ag', 'SendToPeerPod', { name: 'pal', message: `key=${SECRET} at https://u:pw@host/` });
    expect((await w.history('pal')).find((e) => e.kind === 'peer_message')).toMatchObject({ body: `key=${SECRET} at https://u:pw@host/` });
  });
});

describe("an agent's channel to the Pod tools", () => {
  it("is opened with the agent's secrets: its profile's secret-looking env values and the host values passed to it", async () => {
    const opened: (readonly string[])[] = [];
    const channels: PodToolChannels = {
      open: async (_pod, _stateDir, held) => {
        opened.push(held);
        return { name: 'pods', command: '/bin/false', args: [], env: {} };
      },
      close: async () => undefined,
    };
    const launched: AgentLaunch[] = [];
    const codingAgents = {
      start: async (launch: AgentLaunch) => {
        launched.push(launch);
        throw new AgentFailure('not started in this test');
      },
      removeState: async () => 'none' as const,
    };
    const w = makeWorld(new InMemoryUnitOfWork(), undefined, {}, { codingAgents, channels, config: { env: { HOST_TOKEN: 'from-the-host', OTHER: 'not-passed' } } });
    const profile = parseAcpProfile({ name: 'scr', command: '/bin/true', sandbox: 'none', env: { API_KEY: SECRET, MODE: 'plain' }, passEnv: ['HOST_TOKEN'] });
    if (!profile.ok) throw new Error(profile.error.problem);
    const pod = await w.create('ag');
    await expect(w.agentSessions.ready(pod, profile.value, { permission: async () => 'reject' as const })).rejects.toThrow(AgentFailure);
    expect(opened).toEqual([[SECRET, 'from-the-host']]);
    expect(launched).toHaveLength(1);
  });
});
