import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterEach, expect, it } from 'vitest';
import { CLAUDE_CHANNEL, createPodMcpServer, UPDATE_COALESCE_MS } from '../../src/adapters/mcp/pod-mcp-server.js';
import { entryJson } from '../../src/adapters/presentation/render-entry.js';
import type { PodEvents } from '../../src/application/ports/pod-events.js';
import { describeOnEveryStore } from '../support/describe-on-every-store.js';
import { name, type World } from '../support/world.js';
import { eventually } from '../support/until.js';

type Text = { type: 'text'; text: string };

/** The store's event stream, as the composition binds POD_EVENTS (on a server store it also LISTENs once subscribed). */
const feedOf = (w: World): PodEvents => w.events;

/** A real SDK client linked in memory to the Pod's server, with the resources wired in. */
async function connect(w: World, pod: string, events: PodEvents = feedOf(w)) {
  const served = createPodMcpServer({ pod: name(pod), tools: w.tools, inbound: w.takeInbound, history: w.readHistory, events, version: 'test' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await served.server.connect(serverSide);
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  const updates: string[] = [];
  client.setNotificationHandler('notifications/resources/updated', (notification) => {
    updates.push(notification.params.uri);
  });
  await client.connect(clientSide);
  const close = async () => {
    await client.close();
    await served.settle();
  };
  open.push(close);
  return { client, updates, close };
}
const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** Polls until `check` holds or the deadline passes (never a fixed sleep for what must happen). */

const json = (read: { contents: unknown[] }): unknown => JSON.parse((read.contents[0] as { text: string }).text);

describeOnEveryStore('pods mcp: the Pod history as MCP resources (real SDK client, in-memory transport)', ({ world }) => {
  const setup = async () => {
    const w = world();
    await w.create('a', ['write:/work']);
    await w.create('b');
    await w.peer('a', 'b');
    return w;
  };

  it('advertises subscribable resources, lists the history and the entry template of the served Pod only', async () => {
    const w = await setup();
    const { client } = await connect(w, 'a');
    expect(client.getServerCapabilities()?.resources).toEqual({ subscribe: true });
    const { resources } = await client.listResources();
    expect(resources).toEqual([expect.objectContaining({ uri: 'pods://a/history', mimeType: 'application/json' })]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'pods://a/history/{seq}', mimeType: 'application/json' })]);
  });

  it('reads the whole history and one entry in the `pods history --json` shape, without moving the inbound cursor', async () => {
    const w = await setup();
    const { client } = await connect(w, 'a');
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'hi a, b here' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'second' });
    const expected = JSON.parse(JSON.stringify((await w.history('a')).map(entryJson))) as Record<string, unknown>[];
    expect(expected).toHaveLength(2);
    const whole = await client.readResource({ uri: 'pods://a/history' });
    expect(whole.contents[0]).toMatchObject({ uri: 'pods://a/history', mimeType: 'application/json' });
    expect(json(whole)).toEqual(expected);
    expect(json(whole)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'peer_message', pod: 'a', from: 'b', body: 'hi a, b here' }),
      expect.objectContaining({ seq: 2, kind: 'peer_message', body: 'second' }),
    ]);
    const one = await client.readResource({ uri: 'pods://a/history/2' });
    expect(one.contents[0]).toMatchObject({ uri: 'pods://a/history/2' });
    expect(json(one)).toEqual(expected[1]);
    // Reading showed nothing to the cursor: the next tool result still carries both entries.
    const listed = (await client.callTool({ name: 'ListPods', arguments: {} })) as { content: Text[] };
    const inbound = JSON.parse(listed.content[1]?.text ?? '{}') as { inbound: { entries: { body: string }[] } };
    expect(inbound.inbound.entries.map((e) => e.body)).toEqual(['hi a, b here', 'second']);
  });

  it('refuses another Pod\'s history, existing or not, with the same message, and a bad seq', async () => {
    const w = await setup();
    const { client } = await connect(w, 'a');
    const refusal = async (uri: string): Promise<string> => {
      const error = await client.readResource({ uri }).then(() => undefined, (e: unknown) => e as Error);
      expect(error, uri).toBeInstanceOf(Error);
      return error?.message ?? '';
    };
    const ofB = await refusal('pods://b/history');
    const ofGhost = await refusal('pods://ghost/history');
    expect(ofB).toContain('unknown resource pods://b/history; this server serves only pods://a/history and pods://a/history/{seq}');
    expect(ofGhost.replace('ghost', 'b')).toBe(ofB);
    expect((await refusal('pods://b/history/1')).replace('b/history/1', 'ghost/history/1')).toBe(await refusal('pods://ghost/history/1'));
    expect(await refusal('pods://a/history/1')).toContain('no entry 1 in the history of `a`');
    for (const bad of ['pods://a/history/0', 'pods://a/history/-1', 'pods://a/history/x', 'pods://a/history/1/2', 'pods://a/other']) {
      expect(await refusal(bad)).toContain(`unknown resource ${bad};`);
    }
    await expect(client.subscribeResource({ uri: 'pods://b/history' })).rejects.toThrow('cannot subscribe to pods://b/history; this server offers subscriptions only to pods://a/history');
  });

  it('tells a subscriber of commits to the Pod\'s history, coalesced, and nothing after unsubscribe', async () => {
    const w = await setup();
    const { client, updates } = await connect(w, 'a');
    await client.subscribeResource({ uri: 'pods://a/history' });
    // A commit to another Pod's history is not news for this one.
    await w.tool('a', 'SendToPeerPod', { name: 'b', message: 'to b' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'hi a' });
    await eventually('a resource update', () => updates.length > 0);
    expect(updates).toEqual(['pods://a/history']);
    // A burst is at most one notice per UPDATE_COALESCE_MS: after the window, at most one more.
    const started = Date.now();
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'one' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'two' });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'three' });
    await eventually('a second update', () => updates.length >= 2);
    const windows = Math.floor((Date.now() - started) / UPDATE_COALESCE_MS) + 2;
    expect(updates.length).toBeLessThanOrEqual(windows);
    expect(new Set(updates)).toEqual(new Set(['pods://a/history']));

    await client.unsubscribeResource({ uri: 'pods://a/history' });
    const seen = updates.length;
    // Past the coalescing window, a notice would go out at once with the commit (and one held
    // back from the burst would have gone out): waiting out the server's own window, not a guess.
    await new Promise((resolve) => setTimeout(resolve, UPDATE_COALESCE_MS + 20));
    // Proof that the commit was announced to feed listeners, and the server still sent nothing.
    let announced = false;
    const off = feedOf(w).subscribe((event) => {
      if (event.type === 'committed' && event.pod === name('a')) announced = true;
    });
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'after, seen by the probe' });
    await eventually('the announcement', () => announced);
    off();
    await client.listResources(); // a round trip: anything the server had sent is in by now
    expect(updates.length).toBe(seen);
  });

  it('ends its feed subscription when the server closes', async () => {
    const w = await setup();
    let listeners = 0;
    const inner = feedOf(w);
    const counting: PodEvents = {
      publish: (event) => inner.publish(event),
      subscribe(listener) {
        listeners += 1;
        const off = inner.subscribe(listener);
        return () => {
          listeners -= 1;
          off();
        };
      },
    };
    const { client, close } = await connect(w, 'a', counting);
    expect(listeners).toBe(0);
    await client.subscribeResource({ uri: 'pods://a/history' });
    await client.subscribeResource({ uri: 'pods://a/history' });
    expect(listeners).toBe(1);
    await close();
    await eventually('no listener left', () => listeners === 0);
  });

  it('with claudeChannel, declares claude/channel and hints at commits without carrying them; the entry still comes once in a result', async () => {
    const w = await setup();
    const served = createPodMcpServer({ pod: name('a'), tools: w.tools, inbound: w.takeInbound, events: feedOf(w), claudeChannel: true, version: 'test' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await served.server.connect(serverSide);
    const client = new Client({ name: 'claude-code', version: '1.0.0' });
    const hints: { method: string; params?: Record<string, unknown> }[] = [];
    client.fallbackNotificationHandler = async (notification) => {
      hints.push(notification as (typeof hints)[number]);
    };
    await client.connect(clientSide);
    open.push(async () => {
      await client.close();
      await served.settle();
    });
    expect(client.getServerCapabilities()?.experimental).toEqual({ [CLAUDE_CHANNEL.capability]: {} });

    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'secret body' });
    await eventually('one hint', () => hints.length === 1);
    expect(hints[0]).toMatchObject({ method: CLAUDE_CHANNEL.method, params: { meta: { pod: 'a' }, content: expect.stringContaining('ListPods') } });
    expect(JSON.stringify(hints[0])).not.toContain('secret body');
    const result = (await client.callTool({ name: 'ListPods', arguments: {} })) as { content: Text[] };
    expect(result.content[1]?.text).toContain('secret body');
  });

  it('declares no channel and sends no hint unless asked', async () => {
    const w = await setup();
    const { client } = await connect(w, 'a');
    const others: unknown[] = [];
    client.fallbackNotificationHandler = async (notification) => {
      others.push(notification);
    };
    expect(client.getServerCapabilities()?.experimental).toBeUndefined();
    await w.tool('b', 'SendToPeerPod', { name: 'a', message: 'hello' });
    const result = (await client.callTool({ name: 'ListPods', arguments: {} })) as { content: Text[] };
    expect(result.content[1]?.text).toContain('hello');
    expect(others).toEqual([]);
  });

  it('serves tools only, as before, without history and feed', async () => {
    const w = await setup();
    const served = createPodMcpServer({ pod: name('a'), tools: w.tools, inbound: w.takeInbound, version: 'test' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await served.server.connect(serverSide);
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(clientSide);
    open.push(async () => {
      await client.close();
      await served.settle();
    });
    expect(client.getServerCapabilities()?.resources).toBeUndefined();
  });
});
