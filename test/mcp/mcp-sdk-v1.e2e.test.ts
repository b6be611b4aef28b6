import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';

/*
 * The MCP SDK v1 client (`@modelcontextprotocol/sdk`, what most hosts built on the TypeScript
 * SDK still run) against the built `pods mcp`, beside the v2 client of the other e2e suites.
 * v1 checks every successful result's structuredContent against the tool's output schema.
 */
let cli: Awaited<ReturnType<typeof buildCli>>;
let home: string;
const clients = new Set<Client>();
beforeAll(async () => {
  cli = await buildCli();
  home = await cli.home('mcp-sdk-v1');
}, 120_000);
afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await cli?.dispose();
});

type Text = { type: string; text: string };
type Called = { content: Text[]; structuredContent?: Record<string, unknown>; isError?: boolean };

async function must(...args: string[]): Promise<string> {
  const run = await cli.pods(home, ...args);
  if (run.code !== 0) throw new Error(`pods ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

/** A host's entry as docs/mcp.md writes it: `pods mcp --pod NAME`, with PODS_HOME in its `env` (hosts pass servers a minimal environment). */
async function v1Agent(pod: string) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli.main, 'mcp', '--pod', pod], env: { PODS_HOME: home }, cwd: cli.root, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: `v1-agent-of-${pod}`, version: '1.0.0' });
  await client.connect(transport);
  clients.add(client);
  return {
    client,
    stderr: () => stderr,
    call: async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as Called,
    close: async () => {
      clients.delete(client);
      await client.close();
    },
  };
}

const holderOf = async (pod: string) => (JSON.parse(await must('ls', '--json')) as { name: string; hostId?: string }[]).find((p) => p.name === pod)?.hostId;

describe('`pods mcp` with the MCP SDK v1 client (built CLI, managed store)', () => {
  it('lists the tools with titles, hints and output schemas, and every result meets its schema', async () => {
    await must('create', 'v1a');
    await must('create', 'v1b');
    await must('peer', 'v1a', 'v1b');
    const a = await v1Agent('v1a');
    const { tools } = await a.client.listTools();
    expect(tools.map((t) => [t.name, t.title, t.annotations?.readOnlyHint ?? false, t.annotations?.destructiveHint, t.annotations?.openWorldHint])).toEqual([
      ['SpawnPod', 'Spawn a child Pod', false, false, false],
      ['SendToPod', 'Send to a child Pod', false, false, false],
      ['ReadPodOutput', 'Read a child Pod\'s output', false, false, false],
      ['StopPod', 'Stop a child Pod', false, true, false],
      ['ListPods', 'List visible Pods', true, undefined, false],
      ['RestorePod', 'Restore a Pod', false, false, false],
      ['SendToPeerPod', 'Send to a peer Pod', false, false, false],
    ]);
    await must('tool', 'v1b', 'SendToPeerPod', '{"name":"v1a","message":"hello from b"}');
    const calls: [string, Record<string, unknown>][] = [
      ['ListPods', {}],
      ['SpawnPod', { name: 'v1kid', task: 'count' }],
      ['SendToPod', { name: 'v1kid', message: 'more' }],
      ['ReadPodOutput', { name: 'v1kid' }],
      ['StopPod', { name: 'v1kid' }],
      ['RestorePod', { name: 'v1kid' }],
      ['SendToPeerPod', { name: 'v1b', message: 'hello from a' }],
    ];
    for (const [tool, args] of calls) {
      const called = await a.call(tool, args); // the v1 client throws on structuredContent that does not meet the schema
      expect(called.isError, `${tool}: ${called.content[0]?.text}`).toBeFalsy();
      expect(called.structuredContent).toEqual({ ...JSON.parse(called.content[0]?.text ?? ''), ...(called.content[1] ? JSON.parse(called.content[1].text) : {}) });
    }
    const first = await a.call('ListPods', {});
    expect(first.structuredContent?.['summary']).toMatch(/visible pod\(s\)$/);
    const refused = await a.call('StopPod', { name: 'v1b' });
    expect(refused).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringContaining('"kind":"invalid_argument"') }] });
    await a.close();
  }, 120_000);

  it('a second v1 agent on a held Pod completes the handshake and is told why by every call; both leave the Pod free', async () => {
    await must('create', 'v1held');
    const first = await v1Agent('v1held');
    const second = await v1Agent('v1held');
    expect((await second.client.listTools()).tools).toHaveLength(7);
    const refused = await second.call('ListPods', {});
    expect(refused.isError).toBe(true);
    expect(JSON.parse(refused.content[0]?.text ?? '')).toEqual({ error: { kind: 'execution_failed', message: expect.stringMatching(/^this MCP server cannot act as `v1held`: it is live on host_/) } });
    await second.close();
    expect((await first.call('ListPods', {})).isError).toBeFalsy();
    await first.close();
    expect(await holderOf('v1held')).toBeUndefined();
  }, 120_000);
});
