import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { Ajv } from 'ajv';
import { afterEach, expect, it } from 'vitest';
import { createPodMcpServer, resultText, type PodMcpServer } from '../../src/adapters/mcp/pod-mcp-server.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { makeWorld, name, type World } from '../support/world.js';

type Text = { type: 'text'; text: string };
type Called = { content: Text[]; isError?: boolean };

/** A real SDK client linked in memory to the Pod's server, as an MCP host would hold it. */
async function connect(w: World, pod: string, limits?: { maxEntries: number; maxBytes: number }) {
  const served: PodMcpServer = createPodMcpServer({ pod: name(pod), tools: w.tools, inbound: w.takeInbound, version: 'test', ...(limits ? { limits } : {}) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await served.server.connect(serverSide);
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(clientSide);
  const call = async (tool: string, args: Record<string, unknown>): Promise<Called> => (await client.callTool({ name: tool, arguments: args })) as Called;
  const close = async () => {
    await client.close();
    await served.settle();
  };
  open.push(close);
  return { client, call, close, served };
}
const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

const inboundOf = (called: Called): { pod: string; entries: Record<string, unknown>[]; waiting: number } | undefined => {
  const block = called.content[1];
  return block ? (JSON.parse(block.text) as { inbound: { pod: string; entries: Record<string, unknown>[]; waiting: number } }).inbound : undefined;
};

describeOnEveryStore('pods mcp: the MCP server of one Pod (real SDK client, in-memory transport)', ({ world }) => {
  const setup = async () => {
    const w = world();
    await w.create('a', ['write:/work']);
    await w.create('b');
    await w.peer('a', 'b');
    return w;
  };

  it('initializes as `pods` with the tools capability and instructions naming the Pod', async () => {
    const w = await setup();
    const { client } = await connect(w, 'a');
    expect(client.getServerVersion()).toMatchObject({ name: 'pods', version: 'test' });
    expect(client.getServerCapabilities()).toMatchObject({ tools: {} });
    // No prompt or resource exists (none could create or remove a peer relation): only tools.
    expect(client.getServerCapabilities()?.prompts).toBeUndefined();
    expect(client.getServerCapabilities()?.resources).toBeUndefined();
    expect(client.getInstructions()).toContain('`a`');
  });

  it('lists exactly the seven Pod tools with the names, descriptions and schemas of PodTools.specs()', async () => {
    const w = await setup();
    const { client } = await connect(w, 'a');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['SpawnPod', 'SendToPod', 'ReadPodOutput', 'StopPod', 'ListPods', 'RestorePod', 'SendToPeerPod']);
    expect(tools.map(({ name: n, description, inputSchema }) => ({ name: n, description, inputSchema }))).toEqual(
      JSON.parse(JSON.stringify(w.tools.specs().map(({ name: n, description, inputSchema }) => ({ name: n, description, inputSchema })))),
    );
  });

  it('gives each tool a title and truthful approval hints: only ListPods reads only, only StopPod destroys, none is open-world', async () => {
    const w = await setup();
    const { client } = await connect(w, 'a');
    const { tools } = await client.listTools();
    const hints = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    const writes = { destructiveHint: false, openWorldHint: false };
    expect(hints).toEqual({
      SpawnPod: { title: 'Spawn a child Pod', ...writes },
      SendToPod: { title: 'Send to a child Pod', ...writes },
      ReadPodOutput: { title: 'Read a child Pod\'s output', ...writes },
      StopPod: { title: 'Stop a child Pod', destructiveHint: true, openWorldHint: false },
      ListPods: { title: 'List visible Pods', readOnlyHint: true, openWorldHint: false },
      RestorePod: { title: 'Restore a Pod', ...writes },
      SendToPeerPod: { title: 'Send to a peer Pod', ...writes },
    });
    for (const tool of tools) {
      expect(tool.title).toBe(tool.annotations?.title);
      expect(tool.outputSchema).toMatchObject({ type: 'object', required: ['summary'], properties: { summary: { type: 'string' }, content: expect.any(Object), inbound: expect.any(Object) } });
    }
  });

  it('answers with compact JSON, and a successful result also as structuredContent (the SDK client checks it against the output schema)', async () => {
    const w = await setup();
    const { client, call } = await connect(w, 'a');
    const schemas = new Map((await client.listTools()).tools.map((t) => [t.name, new Ajv({ strict: false }).compile(t.outputSchema as object)]));
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'hi a' });
    const results = [
      await client.callTool({ name: 'ListPods', arguments: {} }),
      await client.callTool({ name: 'SpawnPod', arguments: { name: 'kid', task: 'count', scope: [{ target: '/work/kid', permission: 'write' }] } }),
      await client.callTool({ name: 'SendToPod', arguments: { name: 'kid', message: 'more' } }),
      await client.callTool({ name: 'ReadPodOutput', arguments: { name: 'kid' } }),
      await client.callTool({ name: 'StopPod', arguments: { name: 'kid' } }),
      await client.callTool({ name: 'RestorePod', arguments: { name: 'kid' } }),
      await client.callTool({ name: 'SendToPeerPod', arguments: { name: 'b', message: 'hello b' } }),
    ] as { content: Text[]; structuredContent?: Record<string, unknown>; isError?: boolean }[];
    for (const [i, result] of results.entries()) {
      const check = schemas.get(['ListPods', 'SpawnPod', 'SendToPod', 'ReadPodOutput', 'StopPod', 'RestorePod', 'SendToPeerPod'][i] ?? '');
      expect(check?.(result.structuredContent), JSON.stringify(check?.errors)).toBe(true);
      expect(result.isError).toBeUndefined();
      const [text, inbound] = result.content.map((c) => c.text);
      expect(text).not.toContain('\n');
      expect(text).toBe(JSON.stringify(JSON.parse(text ?? '')));
      expect(result.structuredContent).toEqual({ ...JSON.parse(text ?? ''), ...(inbound ? JSON.parse(inbound) : {}) });
    }
    expect(results[0]?.structuredContent?.['inbound']).toMatchObject({ pod: 'a', entries: [{ kind: 'peer_message', from: 'b' }] });
    const refused = (await call('StopPod', { name: 'b' })) as Called & { structuredContent?: unknown };
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toBeUndefined();
  });

  it('runs a tool as the Pod and answers with the JSON `pods tool` prints', async () => {
    const w = await setup();
    const { call } = await connect(w, 'a');
    const listed = await call('ListPods', {});
    expect(listed.isError).toBeUndefined();
    expect(listed.content[0]?.text).toBe(resultText(await w.tool('a', 'ListPods', {})));
    expect(JSON.parse(listed.content[0]?.text ?? '')).toMatchObject({ content: { pods: [{ name: 'a', visibility: 'self' }, { name: 'b', visibility: 'peer' }] } });

    const spawned = await call('SpawnPod', { name: 'kid', task: 'count to three', scope: [] });
    expect(spawned.isError).toBeUndefined();
    expect(JSON.parse(spawned.content[0]?.text ?? '')).toMatchObject({ summary: expect.stringContaining('kid') });
    const sent = await call('SendToPod', { name: 'kid', message: 'and then to four' });
    expect(sent.isError).toBeUndefined();
    expect((await call('ReadPodOutput', { name: 'kid' })).isError).toBeUndefined();
    expect((await call('StopPod', { name: 'kid' })).isError).toBeUndefined();
    const peered = await call('SendToPeerPod', { name: 'b', message: 'hello b' });
    expect(JSON.parse(peered.content[0]?.text ?? '')).toMatchObject({ content: { pair_seq: 1 } });
    expect((await w.history('b')).at(-1)).toMatchObject({ kind: 'peer_message', from: 'a', body: 'hello b' });
  });

  it('refuses child powers over a peer with the peer refusal, as an error result', async () => {
    const w = await setup();
    const { call } = await connect(w, 'a');
    for (const [tool, args] of [
      ['SendToPod', { name: 'b', message: 'do this' }],
      ['ReadPodOutput', { name: 'b' }],
      ['StopPod', { name: 'b' }],
    ] as const) {
      const refused = await call(tool, args);
      expect(refused.isError).toBe(true);
      expect(JSON.parse(refused.content[0]?.text ?? '')).toEqual({
        error: { kind: 'invalid_argument', message: expect.stringMatching(/^pod `b` is a peer of `a`, not its spawned child; /) },
      });
      expect(refused.content[0]?.text).toBe(resultText(await w.tool('a', tool, args)));
    }
    expect(await w.history('b')).toEqual([]);
  });

  it('answers an unknown tool and schema violations with the same messages as `pods tool`', async () => {
    const w = await setup();
    const { call } = await connect(w, 'a');
    const cases: [string, Record<string, unknown>, string][] = [
      ['CreatePeer', { name: 'b' }, 'unknown tool `CreatePeer`; available: SpawnPod, SendToPod, ReadPodOutput, StopPod, ListPods, RestorePod, SendToPeerPod'],
      ['SendToPeerPod', { name: 'b' }, 'SendToPeerPod: missing required field `message`'],
      ['SendToPeerPod', { name: 'b', message: 'hi', from: 'c' }, 'SendToPeerPod: unknown field `from`'],
      ['ListPods', { verbose: true }, 'ListPods: unknown field `verbose`'],
    ];
    for (const [tool, args, message] of cases) {
      const refused = await call(tool, args);
      expect(refused.isError).toBe(true);
      expect(JSON.parse(refused.content[0]?.text ?? '')).toEqual({ error: { kind: 'invalid_argument', message } });
      expect(refused.content[0]?.text).toBe(resultText(await w.tool('a', tool, args)));
    }
  });

  it('delivers inbound history with each result: a peer message with its verified sender, shown once', async () => {
    const w = await setup();
    const { call } = await connect(w, 'a');
    expect((await call('ListPods', {})).content).toHaveLength(1);
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'hi a, b here' });
    const relation = (await w.uow.run((r) => r.relations.listFor(name('a'))))[0];
    const first = await call('ListPods', {});
    expect(inboundOf(first)).toEqual({
      pod: 'a',
      waiting: 0,
      entries: [
        {
          seq: 1, kind: 'peer_message', at: expect.any(String), from: 'b', relationId: relation?.id,
          messageId: expect.stringMatching(/^msg/), pairSeq: 1, body: 'hi a, b here',
        },
      ],
    });
    // Errors carry inbound too, and nothing is shown twice.
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'second' });
    const refused = await call('StopPod', { name: 'b' });
    expect(refused.isError).toBe(true);
    expect(inboundOf(refused)?.entries).toEqual([expect.objectContaining({ pairSeq: 2, body: 'second' })]);
    expect((await call('ListPods', {})).content).toHaveLength(1);
  });

  it('keeps what was shown across a restart of the server: no repeat, no skip', async () => {
    const w = await setup();
    const first = await connect(w, 'a', { maxEntries: 2, maxBytes: 32 * 1024 });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'one' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'two' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'three' });
    expect(inboundOf(await first.call('ListPods', {}))).toMatchObject({ entries: [{ body: 'one' }, { body: 'two' }], waiting: 1 });
    await first.close();
    const second = await connect(w, 'a', { maxEntries: 2, maxBytes: 32 * 1024 });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'four' });
    expect(inboundOf(await second.call('ListPods', {}))).toMatchObject({ entries: [{ body: 'three' }, { body: 'four' }], waiting: 0 });
    expect((await second.call('ListPods', {})).content).toHaveLength(1);
  }, 30_000);
});

describeOnEveryStore('pods mcp: waiting for input with ListPods wait_ms', ({ store }) => {
  const LONG = 20_000; // a wait that should end early never gets near this
  // A short poll: the SQL worlds here have no feed, so the poll is what notices a commit.
  const setup = async () => {
    const w = makeWorld(store().uow(), undefined, { pollMs: 25 });
    await w.create('a');
    await w.create('b');
    await w.peer('a', 'b');
    return w;
  };
  const summaryOf = (called: Called) => (JSON.parse(called.content[0]?.text ?? '{}') as { summary?: string }).summary;

  it('waits until a peer message commits and carries it in the inbound block of the same result', async () => {
    const w = await setup();
    const { call } = await connect(w, 'a');
    const waiting = call('ListPods', { wait_ms: LONG });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'are you awake?' });
    const woken = await waiting;
    expect(summaryOf(woken)).toMatch(/; new input arrived after \d+ ms$/);
    expect(inboundOf(woken)?.entries).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'b', body: 'are you awake?' })]);
    expect(summaryOf(await call('ListPods', { wait_ms: 30 }))).toMatch(/; no new input within \d+ ms$/);
  });

  it('answers a wait at once while entries are still waiting to be shown (the inbound cursor is what was seen)', async () => {
    const w = await setup();
    const { call } = await connect(w, 'a', { maxEntries: 1, maxBytes: 32 * 1024 });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'one' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'two' });
    expect(inboundOf(await call('ListPods', {}))).toMatchObject({ entries: [{ body: 'one' }], waiting: 1 });
    const next = await call('ListPods', { wait_ms: LONG });
    expect(summaryOf(next)).toMatch(/; new input arrived after \d+ ms$/);
    expect(inboundOf(next)).toMatchObject({ entries: [{ body: 'two' }], waiting: 0 });
  });

  it('ends a wait when the client cancels the call, and when the client goes away', async () => {
    const w = await setup();
    const { client, close, served } = await connect(w, 'a');
    const cancel = new AbortController();
    const cancelled = client.callTool({ name: 'ListPods', arguments: { wait_ms: LONG } }, { signal: cancel.signal });
    cancel.abort();
    await expect(cancelled).rejects.toThrow();
    await withinDeadline(served.settle(), 'the cancelled wait ended');

    void client.callTool({ name: 'ListPods', arguments: { wait_ms: LONG } }).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    await withinDeadline(close(), 'the server settled after the client went away');
  });
});

/** Resolves with `promise`, or fails when it has not settled well before any wait of the test would have ended. */
async function withinDeadline<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
