import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importPgliteStore } from '../../src/adapters/persistence/pglite-import/import-pglite-store.js';
import { openPgliteSource, PGLITE_LOCK_FILE } from '../../src/adapters/persistence/pglite-import/open-pglite-source.js';
import { KyselyUnitOfWork } from '../../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { lockHolder } from '../support/lock-holder.js';
import { openOncePerSuite, openPostgresTestStore } from '../support/test-stores.js';
import { body, makeWorld, name } from '../support/world.js';

/**
 * A PGlite store as an earlier pods left it: two operator Pods made peers, a child, a
 * peer message with an idempotency key, a removed-and-remade relation (four audit records).
 */
async function earlierStore(dir: string): Promise<void> {
  const source = await openPgliteSource(dir);
  try {
    const w = makeWorld(new KyselyUnitOfWork(source.db));
    await w.create('ann');
    await w.create('bob');
    await w.handshake.execute({ from: name('ann'), to: name('bob'), via: 'tui' });
    await w.removePeer.execute({ from: name('ann'), to: name('bob'), via: 'tui' });
    await w.handshake.execute({ from: name('bob'), to: name('ann'), via: 'cli' });
    const sent = await w.tools.execute(name('ann'), 'SendToPeerPod', { name: 'bob', message: 'hello from the old store', idempotency_key: 'k1' });
    expect(sent.ok).toBe(true);
    const spawned = await w.tools.execute(name('ann'), 'SpawnPod', { name: 'kid', task: 'count to three', scope: [] });
    expect(spawned.ok).toBe(true);
    await w.operatorInput.execute({ pod: name('bob'), text: body('a note from the operator') });
  } finally {
    await source.close();
  }
}

describe('importing a PGlite store made by an earlier pods', () => {
  let dir: string;
  const target = openOncePerSuite(() => openPostgresTestStore());
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pods-pglite-old-'));
    await earlierStore(dir);
  }, 120_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => target().reset());

  it('copies Pods, relations, child edges, histories and audit records exactly, and the store works on', async () => {
    const lines: string[] = [];
    const counts = await importPgliteStore(dir, target().store.db, (line) => lines.push(line));
    expect(counts).toEqual({ pods: 3, relations: 1, children: 1, entries: expect.any(Number), audits: 6 });
    expect(lines).toEqual([expect.stringMatching(/^reading the PGlite store at /)]);

    const w = makeWorld(target().uow());
    const bob = await w.readHistory.execute({ pod: name('bob') });
    expect(bob.ok && bob.value.map((e) => [e.seq, e.kind])).toEqual([[1, 'peer_message'], [2, 'user_input']]);
    const explained = await w.explain.execute({ pod: name('bob'), seq: 1 });
    expect(explained).toMatchObject({ ok: true });
    expect(JSON.stringify(explained)).toContain('"via":"cli"');
    // Counters came along: the next message continues the pair's sequence and bob's history,
    // and the old idempotency key still names the first message.
    const again = await w.tools.execute(name('ann'), 'SendToPeerPod', { name: 'bob', message: 'repeat', idempotency_key: 'k1' });
    expect(again).toMatchObject({ ok: true, content: { duplicate: true, pair_seq: 1 } });
    const next = await w.tools.execute(name('ann'), 'SendToPeerPod', { name: 'bob', message: 'after the import' });
    expect(next).toMatchObject({ ok: true, content: { pair_seq: 2 } });
    const after = await w.readHistory.execute({ pod: name('bob') });
    expect(after.ok && after.value.at(-1)).toMatchObject({ seq: 3, kind: 'peer_message', from: 'ann' });
    const listed = await w.tools.execute(name('ann'), 'ListPods', {});
    expect(listed).toMatchObject({ ok: true, content: { pods: [{ name: 'ann' }, { name: 'bob', visibility: 'peer' }, { name: 'kid', visibility: 'spawned_child' }] } });
  });

  it('refuses the whole import when a Pod of the same name exists, writing nothing', async () => {
    const w = makeWorld(target().uow());
    await w.create('bob');
    await expect(importPgliteStore(dir, target().store.db)).rejects.toThrow(/^this store already has Pod\(s\) named `bob`; nothing was imported$/);
    expect((await w.listAll.execute()).map((p) => p.name)).toEqual(['bob']);
  });

  it('refuses a directory that is not a PGlite store, and one an earlier pods still holds open', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'pods-not-pglite-'));
    try {
      await expect(importPgliteStore(empty, target().store.db)).rejects.toThrow(/is not a PGlite store: it has no PG_VERSION file$/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    const holder = await lockHolder(join(dir, PGLITE_LOCK_FILE));
    try {
      await expect(importPgliteStore(dir, target().store.db)).rejects.toThrow(`in use by another process (pid ${holder.pid}`);
    } finally {
      holder.kill();
      await rm(join(dir, PGLITE_LOCK_FILE), { force: true });
    }
  });
});


