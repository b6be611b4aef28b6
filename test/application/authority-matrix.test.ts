import { beforeEach, expect, it } from 'vitest';
import { describePeerError } from '../../src/application/use-cases/initiate-peer-handshake.js';
import type { ToolResult } from '../../src/application/tools/tool-result.js';
import { AUTHORITY, type Power, type Standing } from '../../src/domain/authority.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { makeWorld, name, type World } from '../support/world.js';

/**
 * SPEC §2 as a table: every tool against every relation a target can have to the caller.
 * `me` is the caller. Each relation is a Pod: me (self), kid (live spawned child), old
 * (stopped child), pal (peer, stopped), far (a stranger that exists), ghost (nonexistent).
 */
const TARGETS = { self: 'me', child: 'kid', stoppedChild: 'old', peer: 'pal', stranger: 'far', nonexistent: 'ghost' } as const;
type Relation = keyof typeof TARGETS;
/** The column of AUTHORITY each target stands in; outside the visibility set, none. */
const STANDING: Record<Relation, Standing | undefined> = {
  self: 'self', child: 'spawned_child', stoppedChild: 'stopped_child', peer: 'peer', stranger: undefined, nonexistent: undefined,
};

type Expect =
  | { readonly ok: RegExp }
  | { readonly refused: RegExp; readonly kind?: 'invalid_argument' | 'execution_failed' }
  | { readonly listed: 'self' | 'spawned_child' | 'peer' | null };

const notVisible = (n: string): Expect => ({ refused: new RegExp(`^pod \`${n}\` is not visible to this Pod$`) });
const isSelf: Expect = { refused: /^pod `me` is the calling Pod; / };
const peerNotChild = (hint: string): Expect => ({ refused: new RegExp(`^pod \`pal\` is a peer of \`me\`, not its spawned child; ${hint}`) });
const childNotPeer = (n: string): Expect => ({ refused: new RegExp(`^pod \`${n}\` is a spawned child of \`me\`, not a peer; use SendToPod$`) });
const nameTaken = (n: string): Expect => ({ refused: new RegExp(`^pod name \`${n}\` is not available; choose another name$`) });

const TOOLS = {
  ListPods: () => ({}),
  RestorePod: (name: string) => ({ name }),
  SendToPod: (name: string) => ({ name, message: 'do the thing' }),
  ReadPodOutput: (name: string) => ({ name }),
  StopPod: (name: string) => ({ name }),
  SendToPeerPod: (name: string) => ({ name, message: 'hello peer' }),
  SpawnPod: (name: string) => ({ name, task: 'new work' }),
} as const;
type Tool = keyof typeof TOOLS;
/** The row of AUTHORITY each tool uses; ListPods is the visibility set, SpawnPod names a new Pod; `hear_completion` is no tool (test/host/run-turn.test.ts). */
const POWER: Partial<Record<Tool, Power>> = { RestorePod: 'restore', SendToPod: 'send', ReadPodOutput: 'read_output', StopPod: 'stop', SendToPeerPod: 'send_peer' };

const MATRIX: Record<Tool, Record<Relation, Expect>> = {
  ListPods: {
    self: { listed: 'self' }, child: { listed: 'spawned_child' }, stoppedChild: { listed: 'spawned_child' },
    peer: { listed: 'peer' }, stranger: { listed: null }, nonexistent: { listed: null },
  },
  RestorePod: {
    self: isSelf, child: { ok: /^pod `kid` is already live$/ }, stoppedChild: { ok: /^pod `old` restored on this host$/ },
    peer: { ok: /^pod `pal` restored on this host$/ }, stranger: notVisible('far'), nonexistent: notVisible('ghost'),
  },
  SendToPod: {
    self: isSelf, child: { ok: /^sent message to `kid`; it started a turn$/ },
    stoppedChild: { refused: /^pod `old` was stopped with StopPod; restore it with RestorePod before sending to it$/ },
    peer: peerNotChild('use SendToPeerPod$'), stranger: notVisible('far'), nonexistent: notVisible('ghost'),
  },
  ReadPodOutput: {
    self: isSelf, child: { ok: /^pod `kid` \(idle\): 1 new assistant message\(s\)$/ },
    stoppedChild: { ok: /^pod `old` \(stopped\): no new assistant text$/ },
    peer: peerNotChild('peers share no output cursor'), stranger: notVisible('far'), nonexistent: notVisible('ghost'),
  },
  StopPod: {
    self: isSelf, child: { ok: /^stopped pod `kid`; reclaimed scope: write:\/work\/kid$/ },
    stoppedChild: { ok: /^pod `old` was already stopped$/ },
    peer: peerNotChild('only its parent can stop it'), stranger: notVisible('far'), nonexistent: notVisible('ghost'),
  },
  SendToPeerPod: {
    self: isSelf, child: childNotPeer('kid'), stoppedChild: childNotPeer('old'),
    peer: { ok: /^sent peer message to `pal`; no host runs it now; it sees the message when restored$/ },
    stranger: notVisible('far'), nonexistent: notVisible('ghost'),
  },
  SpawnPod: {
    self: { refused: /^spawned pod name `me` collides with the spawner's own name$/ },
    child: nameTaken('kid'), stoppedChild: nameTaken('old'), peer: nameTaken('pal'), stranger: nameTaken('far'),
    nonexistent: { ok: /^spawned pod `ghost` with scope \(none\); it is working on its task$/ },
  },
};

async function arrange(w: World): Promise<void> {
  await w.create('me', ['write:/work']);
  await w.goLive('me');
  await w.spawn('me', 'kid', ['write:/work/kid']);
  await w.append('kid', { kind: 'assistant_message', text: 'kid reporting' });
  await w.spawn('me', 'old', ['read:/work/old']);
  expect((await w.tool('me', 'StopPod', { name: 'old' })).ok).toBe(true);
  await w.create('pal', ['write:/pal']);
  await w.peer('me', 'pal');
  await w.create('far', ['write:/far']);
  await w.create('other', ['write:/other']);
  await w.peer('far', 'other');
}

describeOnEveryStore('authority matrix', (suite) => {
  let w: World;
  beforeEach(async () => {
    w = suite.world();
    await arrange(w);
  });

  const cells = Object.entries(MATRIX).flatMap(([tool, row]) =>
    Object.entries(row).map(([relation, expected]) => [tool as Tool, relation as Relation, expected] as const),
  );
  it('covers every tool against every relation, and every row and column of AUTHORITY', () => {
    expect(cells).toHaveLength(Object.keys(TOOLS).length * Object.keys(TARGETS).length);
    expect([...Object.values(POWER), 'hear_completion'].sort()).toEqual(Object.keys(AUTHORITY).sort());
    for (const row of Object.values(AUTHORITY)) expect(Object.values(STANDING).filter(Boolean).sort()).toEqual(Object.keys(row).sort());
  });

  it.each(cells)('%s on the %s', async (tool, relation, expected) => {
    const target = TARGETS[relation];
    const historyBefore = await w.history(target);
    const result: ToolResult = await w.tool('me', tool, TOOLS[tool](target));
    // The table decides whether the tool acts; the cell below says in which words.
    const power = POWER[tool];
    const standing = STANDING[relation];
    if (power) expect(result.ok, 'as AUTHORITY says').toBe(standing !== undefined && AUTHORITY[power][standing] === 'yes');

    if ('listed' in expected) {
      if (!result.ok) throw new Error(result.message);
      const listing = (result.content as { pods: { name: string; visibility: string }[] }).pods.find((p) => p.name === target);
      expect(listing?.visibility ?? null).toBe(expected.listed);
    } else if ('ok' in expected) {
      if (!result.ok) throw new Error(`expected success, got ${result.kind}: ${result.message}`);
      expect(result.summary).toMatch(expected.ok);
    } else {
      expect(result).toMatchObject({ ok: false, kind: expected.kind ?? 'invalid_argument' });
      if (result.ok) return;
      expect(result.message).toMatch(expected.refused);
      // A refusal changes nothing the target could ever see.
      expect(await w.history(target)).toEqual(historyBefore);
    }
  });

  it.each([
    ['self', { refused: 'a Pod is not its own peer (`me`)' }],
    ['child', { refused: 'pod `kid` is a spawned child of `me`; a parent and its child are never peers (the parent uses SendToPod)' }],
    ['stoppedChild', { refused: 'pod `old` is a spawned child of `me`; a parent and its child are never peers (the parent uses SendToPod)' }],
    ['peer', { status: 'already_peers' }],
    ['stranger', { status: 'peered' }],
    ['nonexistent', { refused: 'pod `ghost` does not exist' }],
  ] as const)('the operator peers me with the %s', async (relation, expected) => {
    const outcome = await w.handshake.execute({ from: name('me'), to: name(TARGETS[relation]), via: 'test' });
    if ('status' in expected) expect(outcome.ok && outcome.value.status).toBe(expected.status);
    else expect(outcome.ok ? outcome.value.status : describePeerError(outcome.error)).toBe(expected.refused);
  });

  it('never tells a stranger apart from a name that does not exist', async () => {
    for (const tool of ['RestorePod', 'SendToPod', 'ReadPodOutput', 'StopPod', 'SendToPeerPod'] as const) {
      const far = await w.tool('me', tool, TOOLS[tool]('far'));
      const ghost = await w.tool('me', tool, TOOLS[tool]('ghost'));
      expect(far.ok || far.message.replace('far', 'X')).toBe(ghost.ok || ghost.message.replace('ghost', 'X'));
    }
  });
});
