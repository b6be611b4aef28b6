import { expect, it } from 'vitest';
import { ReadRemovedHistory } from '../../src/application/use-cases/read-removed-history.js';
import { RemovePod } from '../../src/application/use-cases/remove-pod.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { describeRemovalRefusal } from '../../src/domain/pod-removal.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { name, type World } from '../support/world.js';

const remove = (w: World, pod: string, force = false) => new RemovePod(w.uow, w.clock, w.ids).execute({ name: name(pod), force, via: 'test' });
const removedHistory = (w: World, pod: string) => new ReadRemovedHistory(w.uow).execute({ name: name(pod) });
const refusal = async (w: World, pod: string, force = false): Promise<string> => {
  const result = await remove(w, pod, force);
  if (result.ok || result.error.type === 'PodNotFound') throw new Error(`not refused: ${JSON.stringify(result)}`);
  return describeRemovalRefusal(result.error);
};

describeOnEveryStore('RemovePod: `pods rm` (operator only)', ({ world }) => {
  it('removes a Pod no host runs: gone from the store, its name free again, its history in the archive', async () => {
    const w = world();
    await w.create('typo');
    await w.create('other');
    expect((await w.operatorInput.execute({ pod: name('typo'), text: MessageBody.unsafe('hello?') })).ok).toBe(true);
    expect((await w.operatorInput.execute({ pod: name('typo'), text: MessageBody.unsafe('anyone?') })).ok).toBe(true);
    const before = 2;
    const removed = await remove(w, 'typo');
    expect(removed).toMatchObject({ ok: true, value: { removed: { pod: { name: 'typo' }, entries: before }, unpeered: [] } });
    expect((await w.listAll.execute()).map((p) => p.name)).toEqual(['other']);
    expect(await w.readHistory.execute({ pod: name('typo') })).toMatchObject({ ok: false, error: { type: 'PodNotFound' } });
    const archived = await removedHistory(w, 'typo');
    expect(archived.ok && archived.value.map((r) => r.entries.length)).toEqual([before]);
    // The name is free: a new Pod of that name starts with an empty history; the archive keeps both removals apart.
    await w.create('typo');
    expect(await w.history('typo')).toEqual([]);
    expect((await remove(w, 'typo')).ok).toBe(true);
    const twice = await removedHistory(w, 'typo');
    expect(twice.ok && twice.value.map((r) => r.entries.length)).toEqual([before, 0]);
    expect(await removedHistory(w, 'never')).toEqual({ ok: false, error: { type: 'NeverRemoved', name: 'never' } });
    expect(await remove(w, 'ghost')).toEqual({ ok: false, error: { type: 'PodNotFound', name: 'ghost' } });
  });

  it('refuses a live Pod, naming its host', async () => {
    const w = world();
    await w.create('busy');
    await w.goLive('busy', 'idle', 'host_elsewhere');
    expect(await refusal(w, 'busy')).toBe('pod `busy` is live on host_elsewhere; stop that host first (quit its TUI, stop its `pods serve` or `pods mcp`)');
    await w.goStopped('busy');
    expect((await remove(w, 'busy')).ok).toBe(true);
  });

  it('refuses a Pod with children, and an outstanding child; a stopped child can be removed, then its parent', async () => {
    const w = world();
    await w.create('parent');
    await w.spawn('parent', 'kid', ['write:/work/kid']);
    await w.goStopped('kid');
    expect(await refusal(w, 'kid')).toMatch(/^pod `kid` is an outstanding child of `parent` and holds scope it lent; stop it first/);
    expect(await refusal(w, 'parent')).toBe('pod `parent` has children (outstanding: `kid`); remove them first (an outstanding one is stopped by its parent\'s StopPod)');
    expect((await w.tool('parent', 'StopPod', { name: 'kid' })).ok).toBe(true);
    expect(await refusal(w, 'parent')).toMatch(/has children \(stopped: `kid`\)/);
    expect((await remove(w, 'kid')).ok).toBe(true);
    // The parent no longer sees it, and is removable now.
    const seen = await w.tool('parent', 'ListPods', {});
    expect(seen.ok && (seen.content as { pods: { name: string }[] }).pods.map((p) => p.name)).toEqual(['parent']);
    expect((await remove(w, 'parent')).ok).toBe(true);
  });

  it('refuses a Pod with peers unless forced; forced, it unpeers in the same unit of work and audits it for each peer', async () => {
    const w = world();
    await w.create('a');
    await w.create('b');
    await w.create('c');
    await w.peer('a', 'b');
    await w.peer('c', 'a');
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'for a' });
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'from a' });
    expect(await refusal(w, 'a')).toBe('pod `a` is peered with `b`, `c`; unpeer first (`pods unpeer a b`), or pass --force to remove the relations with it');
    const forced = await remove(w, 'a', true);
    expect(forced).toMatchObject({ ok: true, value: { unpeered: ['b', 'c'] } });
    expect(await w.uow.run((r) => r.relations.listFor(name('b')))).toEqual([]);
    const audit = await w.uow.run((r) => r.audit.listForPod(name('b')));
    expect(audit.map((r) => [r.action, r.counterpart, r.via])).toEqual([['peer_added', 'a', 'test'], ['peer_removed', 'a', 'test']]);
    // What `a` sent stays where it was delivered, and still explains.
    expect((await w.history('b')).map((e) => e.kind === 'peer_message' && e.from)).toEqual(['a']);
    expect((await w.explain.execute({ pod: name('b'), seq: 1 })).ok).toBe(true);
  });
});
