import { afterEach, describe, expect, it } from 'vitest';
import { podCandidates } from '../../src/adapters/tui/pod-candidates.js';
import { name } from '../support/world.js';
import { tuiStore } from './tui-harness.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('podCandidates', () => {
  it('offers for :peer exactly the Pods the handshake would newly peer: no self, parent, child or peer', async () => {
    const opened = await tuiStore();
    close = opened.close;
    const { app } = opened;
    for (const [caller, child] of [['main', 'kid'], ['kid', 'grandkid']] as const) {
      expect((await app.tools.execute(name(caller), 'SpawnPod', { name: child, task: 'wait', scope: [] })).ok).toBe(true);
    }
    for (const pod of ['b', 'c']) expect((await app.createPod.execute({ name: name(pod), scope: [] })).ok).toBe(true);
    expect((await app.initiatePeerHandshake.execute({ from: name('main'), to: name('b'), via: 'test' })).ok).toBe(true);
    const useCases = { listAll: app.listAllPods, listPods: app.listPods };

    const offered = Object.fromEntries(await Promise.all(['main', 'kid', 'grandkid', 'b'].map(async (pod) =>
      [pod, await podCandidates(useCases, name(pod), 'peer_candidates')] as const)));
    expect(offered).toEqual({ main: ['c', 'grandkid'], kid: ['b', 'c'], grandkid: ['b', 'c', 'main'], b: ['c', 'grandkid', 'kid'] });

    // What Tab offers, the handshake takes; what it leaves out, the handshake refuses or already has.
    for (const from of ['main', 'kid', 'grandkid', 'b']) {
      for (const to of ['main', 'kid', 'grandkid', 'b', 'c']) {
        const outcome = await app.initiatePeerHandshake.execute({ from: name(from), to: name(to), via: 'test' });
        const wouldPeer = outcome.ok && outcome.value.status === 'peered';
        if (wouldPeer) await app.removePeer.execute({ from: name(from), to: name(to), via: 'test' });
        expect(wouldPeer, `${from} → ${to}`).toBe(offered[from]!.includes(name(to)));
      }
    }
  });
});
