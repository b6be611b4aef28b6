import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL } from '../../src/application/ports/model.js';
import { UNIT_OF_WORK } from '../../src/application/ports/unit-of-work.js';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { openContainer, openInversifyContainer, type StoreConfig } from '../../src/composition/container.js';
import { podsApp } from '../../src/composition/pods-app.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { body, name } from '../support/world.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'pods-container-'));
  await chmod(home, 0o755); // as root, the server's service user passes through
});
afterAll(async () => {
  await new ManagedPostgres({ home }).stop();
  await rm(home, { recursive: true, force: true });
});

const stores: [string, () => StoreConfig][] = [
  ['memory', () => ({ kind: 'memory' })],
  ['managed', () => ({ kind: 'managed', home })],
];

describe.each(stores)('the composition root (%s)', (_label, config) => {
  it('wires a host that answers a peer message with the builtin model, then releases its lease on close', async () => {
    const { container, close } = await openInversifyContainer(config());
    const app = podsApp(container);
    expect(container.get(MODEL).label).toBe('builtin');
    expect(() => container.get(UNIT_OF_WORK)).not.toThrow();
    expect(() => container.get(Symbol.for('LeaseRepository'))).toThrow(); // repositories live inside units of work only
    try {
      for (const pod of ['a', 'b']) await app.createPod.execute({ name: name(pod), scope: [] });
      await app.initiatePeerHandshake.execute({ from: name('a'), to: name('b'), via: 'test' });
      const { runtime } = app;
      runtime.start();
      expect(await runtime.attach(name('a'))).toMatchObject({ ok: true });
      expect(await runtime.attach(name('b'))).toMatchObject({ ok: true });

      // The operator drives a's builtin model to call the tool; b's host answers from the feed.
      await app.submitOperatorInput.execute({ pod: name('a'), text: body('/tool SendToPeerPod {"name":"b","message":"hello b"}') });
      // Both turns run at once on a server store: wait for b's answer and for a's turn to end.
      const answered = async (pod: string): Promise<readonly HistoryEntry[]> => {
        for (const until = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 10))) {
          const read = await app.readHistory.execute({ pod: name(pod) });
          const entries = read.ok ? read.value : [];
          if (entries.some((e) => e.kind === 'assistant_message') || Date.now() > until) return entries;
        }
      };
      const history = await answered('b');
      await answered('a');
      expect(history.map((e) => e.kind)).toEqual(['peer_message', 'assistant_message']);
      expect(history[1]).toMatchObject({ text: expect.stringContaining('hello b') });
      const a = await app.readHistory.execute({ pod: name('a') });
      expect(a.ok && a.value.map((e) => e.kind)).toEqual(['user_input', 'tool_call', 'tool_result', 'assistant_message']);
      expect(await app.tools.execute(name('a'), 'ListPods', {})).toMatchObject({
        ok: true, content: { pods: [{ name: 'a', status: 'idle', live: true }, { name: 'b', status: 'idle', live: true }] },
      });
    } finally {
      await close();
    }
    if (config().kind === 'managed') {
      // Reopened: nothing lost, and the closed host's leases are gone.
      const again = await openContainer(config());
      try {
        const listed = await again.app.tools.execute(name('a'), 'ListPods', {});
        expect(listed).toMatchObject({ ok: true, content: { pods: [{ name: 'a', live: false }, { name: 'b', live: false }] } });
        const b = await again.app.readHistory.execute({ pod: name('b') });
        expect(b.ok && b.value.length).toBe(2);
      } finally {
        await again.close();
      }
    }
  });
});
