import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
}, 120_000);
const clients = new Set<Client>();
afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await cli?.dispose();
});

type Called = { content: { type: 'text'; text: string }[]; isError?: boolean };

/** `pods mcp --pod NAME` as an MCP host starts it: the built CLI on stdio, driven by the SDK's own client. */
async function agent(home: string, pod: string) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'PODS_DATABASE_URL') env[key] = value;
  env['PODS_HOME'] = home;
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli.main, 'mcp', '--pod', pod], env, cwd: cli.root, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: `agent-of-${pod}`, version: '1.0.0' });
  await client.connect(transport);
  clients.add(client);
  const call = async (tool: string, args: Record<string, unknown>): Promise<Called> => (await client.callTool({ name: tool, arguments: args })) as Called;
  return {
    client,
    call,
    stderr: () => stderr,
    /** Ends stdin, as a host does; resolves with how long the server took to exit. */
    close: async (): Promise<number> => {
      const started = Date.now();
      clients.delete(client);
      await client.close();
      return Date.now() - started;
    },
  };
}

const inboundOf = (called: Called) =>
  called.content[1] ? (JSON.parse(called.content[1].text) as { inbound: { entries: Record<string, unknown>[]; waiting: number } }).inbound : undefined;

/** Polls `call` until its result carries inbound entries, within a deadline. */
async function inboundWithin(call: () => Promise<Called>, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const inbound = inboundOf(await call());
    if (inbound) return inbound;
    if (Date.now() > deadline) throw new Error(`no inbound entries within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('`pods mcp` as a process: two external agents drive two peered Pods over stdio (built CLI, managed store)', () => {
  it('carries messages both ways with verified senders, refuses a second server, and resumes without repeats', async () => {
    const home = await cli.home('mcp-two-agents');
    expect((await cli.pods(home, 'create', 'a')).code).toBe(0);
    expect((await cli.pods(home, 'create', 'b')).code).toBe(0);
    expect((await cli.pods(home, 'peer', 'a', 'b')).code).toBe(0);
    expect((await cli.pods(home, 'profile', 'add', 'coder', '--acp', '--', 'coder-agent')).code).toBe(0);

    const a = await agent(home, 'a');
    const b = await agent(home, 'b');
    const { tools } = await a.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'SpawnPod', 'SendToPod', 'ReadPodOutput', 'StopPod', 'ListPods', 'RestorePod', 'SendToPeerPod',
    ]);
    // The agent learns which profiles it may spawn with, as a model does.
    expect(tools[0]?.description).toMatch(/ Profiles on this host: default, coder\.$/);

    // While `a` is served, a second agent on it completes the handshake, sees the tools, and is told why with every call.
    const second = await agent(home, 'a');
    expect((await second.client.listTools()).tools).toHaveLength(7);
    for (const [tool, args] of [['ListPods', {}], ['SendToPeerPod', { name: 'b', message: 'from the second agent' }]] as const) {
      const refused = await second.call(tool, args);
      expect(refused.isError, tool).toBe(true);
      expect(JSON.parse(refused.content[0]?.text ?? '')).toEqual({
        error: { kind: 'execution_failed', message: expect.stringMatching(/^this MCP server cannot act as `a`: it is live on host_[\w-]+, where another agent drives it over MCP \(its `pods mcp`\), with a lease until [^ ]+\. To free it, stop that host \(.*\)[^]*Then restart this MCP server \(reconnect it in your client\); `pods ls` shows who holds each Pod\.$/) },
      });
    }
    expect(second.client.getInstructions()).toContain('every call fails: this MCP server cannot act as `a`');
    expect(second.stderr()).toMatch(/^pods mcp: pod `a` is live on host_[\w-]+ \(lease until [^)]+\); stop that host first\npods mcp: answering every call with that reason until the client leaves\n$/);
    // The client leaves: the server exits at once, and nothing it was asked reached the store.
    expect(await second.close()).toBeLessThan(1_900);

    const sent = await a.call('SendToPeerPod', { name: 'b', message: 'hello b, this is a' });
    expect(sent.isError).toBeUndefined();
    expect(JSON.parse(sent.content[0]?.text ?? '')).toMatchObject({ content: { delivered_to: 'live', pair_seq: 1 } });
    expect((await inboundWithin(() => b.call('ListPods', {}))).entries).toEqual([
      expect.objectContaining({ kind: 'peer_message', from: 'a', pairSeq: 1, body: 'hello b, this is a' }),
    ]);

    expect((await b.call('SendToPeerPod', { name: 'a', message: 'hi a, b answering' })).isError).toBeUndefined();
    expect((await inboundWithin(() => a.call('ListPods', {}))).entries).toEqual([
      expect.objectContaining({ kind: 'peer_message', from: 'b', pairSeq: 2, body: 'hi a, b answering' }),
    ]);
    // A peer stays a peer: no child powers over it, each refusal the peer refusal.
    for (const [tool, args] of [['SendToPod', { name: 'b', message: 'do my work' }], ['ReadPodOutput', { name: 'b' }], ['StopPod', { name: 'b' }]] as const) {
      const refused = await a.call(tool, args);
      expect(refused.isError, tool).toBe(true);
      expect(JSON.parse(refused.content[0]?.text ?? ''), tool).toMatchObject({ error: { kind: 'invalid_argument', message: expect.stringContaining('is a peer of `a`') } });
    }

    // An agent with nothing to do waits in ListPods; the other's message ends the wait and comes in that result.
    const waiting = b.call('ListPods', { wait_ms: 45_000 });
    await a.call('SendToPeerPod', { name: 'b', message: 'wake up, b' });
    const woken = await waiting;
    expect(JSON.parse(woken.content[0]?.text ?? '')).toMatchObject({ summary: expect.stringMatching(/; new input arrived after \d+ ms$/) });
    expect(inboundOf(woken)?.entries).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'a', pairSeq: 3, body: 'wake up, b' })]);

    // The operator sees both driven over MCP, and every message traces back to the operator's `pods peer`.
    const listed = JSON.parse((await cli.pods(home, 'ls', '--json')).stdout) as { name: string; status: string; drivenBy?: string }[];
    expect(listed.map(({ name, status, drivenBy }) => ({ name, status, drivenBy }))).toEqual([
      { name: 'a', status: 'idle', drivenBy: 'mcp' },
      { name: 'b', status: 'idle', drivenBy: 'mcp' },
    ]);
    const explained = await cli.pods(home, 'explain', 'b', '1');
    expect(explained.stdout).toMatch(/^#1 peer_message from a: hello b, this is a\n {2}peer message #1 from `a` over relation rel_\w+ \(current\)\n {2}← created by `pods peer a b` at /);

    // No model ran for either Pod: their histories hold the messages and nothing a model wrote.
    const historyOf = async (pod: string) => JSON.parse((await cli.pods(home, 'history', pod, '--json')).stdout) as { kind: string }[];
    expect((await historyOf('a')).map((e) => e.kind)).toEqual(['peer_message']);
    expect((await historyOf('b')).map((e) => e.kind)).toEqual(['peer_message', 'peer_message']);

    // End of stdin: the server exits on its own (well before the client would signal it) and gives the lease back.
    expect(await a.close()).toBeLessThan(1_900);
    const again = await agent(home, 'a');
    expect((await again.call('ListPods', {})).content).toHaveLength(1); // nothing shown twice
    await b.call('SendToPeerPod', { name: 'a', message: 'after your restart' });
    expect((await inboundWithin(() => again.call('ListPods', {}))).entries).toEqual([
      expect.objectContaining({ from: 'b', pairSeq: 4, body: 'after your restart' }),
    ]);
    expect(again.stderr()).toMatch(/^pods mcp: serving `a` over stdio as host_/m);
    await again.close();
    await b.close();
  }, 120_000);

  it('refuses a Pod that does not exist, creates it with --create, and stops on SIGTERM with exit 0 and a clean stdout', async () => {
    const home = await cli.home('mcp-lifecycle');
    const missing = await cli.pods(home, 'mcp', '--pod', 'ghost');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/pod `ghost` does not exist/);
    expect((await cli.pods(home, 'mcp')).code).toBe(2);

    const env: NodeJS.ProcessEnv = { ...process.env, PODS_HOME: home };
    delete env['PODS_DATABASE_URL'];
    const child = spawn(process.execPath, [cli.main, 'mcp', '--pod', 'fresh', '--create'], { cwd: cli.root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!stderr.includes('serving `fresh`')) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pods mcp did not start:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(stderr).toMatch(/created pod `fresh` with scope write:/);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // The lease was released: the Pod is not live.
    const listed = await cli.pods(home, 'ls');
    expect(listed.stdout).toMatch(/fresh/);
    expect((await cli.pods(home, 'tool', 'fresh', 'ListPods', '{}')).stdout).toMatch(/"live": false/);
  }, 120_000);
});
