import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { makeWorld, type World } from '../support/world.js';

const EXPECTED = ['SpawnPod', 'SendToPod', 'ReadPodOutput', 'StopPod', 'ListPods', 'RestorePod', 'SendToPeerPod'];

describe('the LLM tool surface', () => {
  let w: World;
  beforeEach(async () => {
    w = makeWorld(new InMemoryUnitOfWork());
    await w.create('me');
    await w.create('pal');
    await w.peer('me', 'pal');
  });

  it('registers exactly the seven tools of SPEC §4', () => {
    expect(w.tools.names()).toEqual(EXPECTED);
    for (const absent of ['ListVisiblePods', 'InspectPod', 'AttachOrRestorePod', 'RegisterPeer', 'PeerPod']) {
      expect(w.tools.names()).not.toContain(absent);
    }
  });

  it('gives every tool a closed object schema and a description of its boundaries', () => {
    for (const spec of w.tools.specs()) {
      expect(spec.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(spec.description.length).toBeGreaterThan(80);
    }
    const describe = (tool: string) => w.tools.specs().find((s) => s.name === tool)?.description ?? '';
    expect(describe('SendToPeerPod')).toMatch(/no filesystem scope, no output cursor, no\s+ownership and no completion notifications/);
    expect(describe('SendToPod')).toMatch(/a peer is not steerable/);
    expect(describe('ReadPodOutput')).toMatch(/peers share no output/);
    expect(describe('StopPod')).toMatch(/a peer cannot be stopped/);
  });

  it('no tool can create or remove a peer relation', () => {
    for (const spec of w.tools.specs()) expect(spec.name).not.toMatch(/peer$/i);
  });

  it.each([
    ['an unknown field', 'SendToPeerPod', { name: 'pal', message: 'x', urgent: true }, 'SendToPeerPod: unknown field `urgent`'],
    ['a missing field', 'SendToPeerPod', { name: 'pal' }, 'SendToPeerPod: missing required field `message`'],
    ['a wrong type', 'SendToPod', { name: 'pal', message: 42 }, 'SendToPod.message: must be string'],
    ['a wrong nested enum', 'SpawnPod', { name: 'k', task: 't', scope: [{ target: '/w', permission: 'admin' }] },
      'SpawnPod.scope[0].permission: must be one of "read", "write"'],
    ['a nested unknown field', 'SpawnPod', { name: 'k', task: 't', scope: [{ target: '/w', permission: 'read', deep: 1 }] },
      'SpawnPod.scope[0]: unknown field `deep`'],
    ['input that is not an object', 'ListPods', [], 'ListPods: must be object'],
    ['arguments to ListPods', 'ListPods', { all: true }, 'ListPods: unknown field `all`'],
    ['a bad pod name', 'SendToPeerPod', { name: '../etc', message: 'x' }, 'SendToPeerPod.name: invalid pod name: ../etc (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    ['a name that is too long', 'RestorePod', { name: 'n'.repeat(65) }, 'RestorePod.name: must NOT have more than 64 characters'],
    ['an empty message', 'SendToPeerPod', { name: 'pal', message: '  ' }, 'SendToPeerPod.message must not be empty'],
    ['an empty idempotency key', 'SendToPeerPod', { name: 'pal', message: 'x', idempotency_key: '' }, 'SendToPeerPod.idempotency_key: must NOT have fewer than 1 characters'],
  ])('refuses %s as invalid_argument naming the field', async (_label, tool, input, message) => {
    expect(await w.tool('me', tool, input)).toEqual({ ok: false, kind: 'invalid_argument', message });
    expect(await w.history('pal')).toEqual([]);
  });

  it('refuses an unknown tool and lists the real ones', async () => {
    expect(await w.tool('me', 'InspectPod', { name: 'pal' })).toEqual({
      ok: false, kind: 'invalid_argument', message: `unknown tool \`InspectPod\`; available: ${EXPECTED.join(', ')}`,
    });
  });

  it('refuses every tool, the same way, for a caller that does not exist', async () => {
    for (const [tool, input] of [['ListPods', {}], ['SendToPeerPod', { name: 'pal', message: 'x' }], ['RestorePod', { name: 'pal' }]] as const) {
      expect(await w.tool('ghost', tool, input)).toEqual({ ok: false, kind: 'execution_failed', message: 'pod `ghost` does not exist' });
    }
  });

  it('turns a store failure into execution_failed instead of throwing', async () => {
    const broken = makeWorld({ run: async () => { throw new Error('connection reset'); } });
    expect(await broken.tool('me', 'ListPods', {})).toEqual({ ok: false, kind: 'execution_failed', message: 'ListPods failed: connection reset' });
  });

  it('renders ListPods content as plain JSON', async () => {
    const r = await w.tool('me', 'ListPods', {});
    expect(r).toMatchObject({ ok: true, summary: '2 visible pod(s)' });
    if (r.ok) expect((r.content as { pods: { peer?: { since: unknown } }[] }).pods[1]?.peer?.since).toBe('2026-11-01T12:00:00.000Z');
  });

  it('answers ListPods a page at a time: the page, the totals, and a cursor the summary tells how to use', async () => {
    for (const kid of ['k1', 'k2', 'k3']) await w.spawn('me', kid);
    const first = await w.tool('me', 'ListPods', { limit: 2 });
    expect(first).toEqual({
      ok: true,
      summary: '2 of 5 visible pod(s) [1 self, 3 spawned_child, 1 peer; 3 idle, 2 stopped]; more match: call again with "cursor": "k2"',
      content: {
        pods: [expect.objectContaining({ name: 'k1' }), expect.objectContaining({ name: 'k2' })],
        totals: { relation: { self: 1, spawned_child: 3, peer: 1 }, status: { idle: 3, running: 0, stopped: 2 } },
        cursor: 'k2',
      },
    });
    const rest = await w.tool('me', 'ListPods', { limit: 2, cursor: 'k2' });
    expect(rest).toMatchObject({ ok: true, summary: expect.stringMatching(/^2 of 5 visible pod\(s\) \(after `k2`\) .*; more match: call again with "cursor": "me" and the same filters$/) });
    const peers = await w.tool('me', 'ListPods', { relation: 'peer', status: 'stopped', prefix: 'p' });
    expect(peers).toMatchObject({ ok: true, summary: expect.stringMatching(/^1 of 5 visible pod\(s\) \(relation peer, status stopped, names starting with `p`\) .*; no more match$/) });
    expect(peers.ok && (peers.content as { pods: { name: string }[] }).pods.map((p) => p.name)).toEqual(['pal']);
  });

  it('refuses a ListPods cursor or prefix that could be no Pod name, and a limit past 200, naming the field', async () => {
    expect(await w.tool('me', 'ListPods', { cursor: 'a b' })).toMatchObject({ ok: false, kind: 'invalid_argument', message: expect.stringMatching(/^ListPods\.cursor: invalid pod name/) });
    expect(await w.tool('me', 'ListPods', { prefix: '-x' })).toMatchObject({ ok: false, kind: 'invalid_argument', message: expect.stringMatching(/^ListPods\.prefix: invalid pod name/) });
    expect(await w.tool('me', 'ListPods', { limit: 201 })).toMatchObject({ ok: false, kind: 'invalid_argument' });
    expect(await w.tool('me', 'ListPods', { status: 'asleep' })).toMatchObject({ ok: false, kind: 'invalid_argument' });
  });
});
