import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContainer, type OpenedContainer } from '../../src/composition/container.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { buildCli } from '../cli/built-cli.js';
import { completion, FakeChatServer } from '../model/fake-chat-server.js';
import { openPostgresTestStore, TEST_SERVERS, type SqlTestStore } from '../support/test-stores.js';
import { body, name } from '../support/world.js';

/**
 * Hosts as separate processes (`pods serve`) on one PostgreSQL server: leases keep them
 * apart, LISTEN/NOTIFY carries wake-ups between them, and a killed host loses nothing.
 */
describe.each(TEST_SERVERS)('two hosts on one PostgreSQL server ($name)', (server) => {
  let cli: Awaited<ReturnType<typeof buildCli>>;
  let store: SqlTestStore & { readonly url: string };
  let ops: OpenedContainer;

  beforeAll(async () => {
    [cli, store] = await Promise.all([buildCli(), openPostgresTestStore({ server })]);
    ops = await openContainer({ kind: 'postgres', url: store.url });
  }, 120_000);
  afterAll(async () => {
    await ops?.close();
    await cli?.dispose();
    await store?.dispose();
  });

  const history = async (pod: string): Promise<readonly HistoryEntry[]> => {
    const r = await ops.app.readHistory.execute({ pod: name(pod) });
    return r.ok ? r.value : [];
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 10))) {
      const value = await probe();
      if (value !== undefined) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const serve = (pod: string, env: NodeJS.ProcessEnv = {}) => cli.start(['serve', '--pod', pod, '--db', store.url], env);

  it("delivers a's peer message to b's host, which answers on the notification alone; neither host can take the other's lease", async () => {
    await store.reset();
    for (const pod of ['a', 'b']) await ops.app.createPod.execute({ name: name(pod), scope: [] });
    await ops.app.initiatePeerHandshake.execute({ from: name('a'), to: name('b'), via: 'test' });
    // Neither host looks on its own for 10 minutes: what they answer, NOTIFY woke them for.
    // (How fast is the peer wake-up benchmark's to say: bench/peer-wake-latency.ts.)
    const host1 = serve('a', { PODS_POLL_MS: '600000' });
    const host2 = serve('b', { PODS_POLL_MS: '600000' });
    await Promise.all([host1.waitFor('serving `a`'), host2.waitFor('serving `b`')]);

    const intruder = await cli.pods(await cli.home('x'), 'serve', '--pod', 'a', '--pod', 'b', '--db', store.url);
    expect(intruder.code).toBe(1);
    expect(intruder.stdout).toMatch(/skipping `a`: it is live on host_/);
    expect(intruder.stdout).toMatch(/skipping `b`: it is live on host_/);
    expect((await ops.app.runtime.attach(name('a'))).ok).toBe(false);

    // The operator asks a's (builtin) model to call the tool; host 1 hears of it through NOTIFY.
    await ops.app.submitOperatorInput.execute({ pod: name('a'), text: body('/tool SendToPeerPod {"name":"b","message":"hello from a"}') });
    const answered = await until('b to answer', async () => {
      const b = await history('b');
      return b.some((e) => e.kind === 'assistant_message') ? b : undefined;
    });
    const [message, answer] = answered;
    expect(message).toMatchObject({ kind: 'peer_message', from: 'a', body: 'hello from a' });
    expect(answer).toMatchObject({ kind: 'assistant_message', seenThrough: message?.seq });
    // a's turn goes on after its tool call (a second step): stopping before it ends would cancel it.
    await Promise.all([host1.waitFor('`a` turn finished'), host2.waitFor('`b` turn finished')]);

    for (const host of [host1, host2]) host.child.kill('SIGTERM');
    expect(await Promise.all([host1.exited, host2.exited])).toEqual([0, 0]);
    expect(host1.output().stdout).toMatch(/`a` turn finished after 2 step\(s\)/);
    const all = await ops.app.listAllPods.execute();
    expect(all.map((p) => [p.name, p.status])).toEqual([['a', 'stopped'], ['b', 'stopped']]);
  });

  it('a host killed mid-turn loses no committed entry, and the next host finishes the turn the model was in', async () => {
    await store.reset();
    await ops.app.createPod.execute({ name: name('a'), scope: [] });
    let requests = 0;
    const chat = await FakeChatServer.start((response) => {
      requests += 1;
      if (requests === 1) {
        completion({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'ListPods', arguments: '{}' } }] })(response, undefined as never);
      }
      // The second request never gets an answer: the host dies waiting for it.
    });
    const env = { PODS_MODEL_URL: chat.baseUrl, PODS_MODEL: 'stub', PODS_LEASE_TTL_MS: '800' };
    try {
      const host1 = serve('a', env);
      await host1.waitFor('serving `a`');
      await ops.app.submitOperatorInput.execute({ pod: name('a'), text: body('what is around?') });
      await until('the second model request', async () => (chat.received.length >= 2 ? true : undefined));
      host1.child.kill('SIGKILL');
      await host1.exited;

      // Everything the model was shown is committed history, in order.
      const seen = JSON.parse(chat.received[1]?.body ?? '{}') as { messages: { role: string }[] };
      const committed = await history('a');
      expect(committed.map((e) => e.kind)).toEqual(['user_input', 'tool_call', 'tool_result']);
      expect(seen.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);

      // The lease expires; another host takes over and the model sees the result it never answered.
      await until('the dead host\'s lease to expire', async () => {
        const [a] = await ops.app.listAllPods.execute();
        return a?.status === 'stopped' ? true : undefined;
      });
      const chat2 = await FakeChatServer.start(completion({ role: 'assistant', content: 'one pod: me' }));
      try {
        const host2 = serve('a', { ...env, PODS_MODEL_URL: chat2.baseUrl });
        await host2.waitFor('serving `a`', 20_000);
        await until('the resumed answer', async () => ((await history('a')).length === 4 ? true : undefined));
        expect((await history('a')).at(-1)).toMatchObject({ kind: 'assistant_message', text: 'one pod: me', seenThrough: 3 });
        const resumed = JSON.parse(chat2.received[0]?.body ?? '{}') as { messages: { role: string }[] };
        expect(resumed.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
        host2.child.kill('SIGTERM');
        expect(await host2.exited).toBe(0);
      } finally {
        await chat2.close();
      }
    } finally {
      await chat.close();
    }
  });
});
