import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ManagedPostgres } from '../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { openContainer } from '../src/composition/container.js';
import { PodName } from '../src/domain/pod-name.js';
import { defer, within } from './deadline.js';
import { leaseGiveBack, type GiveBackReport } from './lease-give-back.js';
import { latencyOf, type Latency } from './percentiles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WARM_UP = 10;
const ROUND_TRIPS = 200;
const CROSSINGS = 50;
const CALL_MS = 10_000;
const GIVE_BACKS = 20;

export type McpReport = { readonly roundTripMs: Latency; readonly sendToNextResultMs: Latency; readonly sendToWaitingResultMs: Latency; readonly giveBack: GiveBackReport };

type Called = { content: { type: 'text'; text: string }[]; isError?: boolean };

/** This process's environment for a `pods` of the managed store under `home`. */
function envFor(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'PODS_DATABASE_URL') env[key] = value;
  env['PODS_HOME'] = home;
  return env;
}

/** The `pods` bin as users start it (the bundle), as an MCP host would: `pods mcp --pod NAME` on stdio. */
async function agent(entry: string, home: string, pod: string) {
  const env = envFor(home);
  const transport = new StdioClientTransport({ command: process.execPath, args: [entry, 'mcp', '--pod', pod], env, stderr: 'pipe' });
  const client = new Client({ name: `bench-${pod}`, version: '1.0.0' });
  await within(60_000, `connecting to pods mcp --pod ${pod}`, client.connect(transport));
  const close = defer(`pods mcp --pod ${pod}`, () => client.close().catch(() => undefined));
  const call = (tool: string, args: Record<string, unknown>): Promise<Called> =>
    within(CALL_MS, `${tool} over MCP as ${pod}`, client.callTool({ name: tool, arguments: args }) as Promise<Called>);
  return { call, close };
}

const inboundBodies = (called: Called): string[] => {
  const block = called.content[1]?.text;
  if (!block) return [];
  const { inbound } = JSON.parse(block) as { inbound: { entries: { kind: string; body?: string }[] } };
  return inbound.entries.filter((e) => e.kind === 'peer_message').map((e) => e.body ?? '');
};

/**
 * Two `pods mcp` processes on one managed store, their Pods peered: the round trip of a tool
 * call over stdio (`ListPods`), and the time from one agent's `SendToPeerPod` call until the
 * message is in the other agent's next tool result, two ways: the other calls `ListPods`
 * right after the send returns (a poll), or it is already waiting in `ListPods` with
 * `wait_ms` when the send starts (the wait ends on the commit's notification). Then how soon a
 * third, signalled as a client ends it, exits and leaves its Pod free (`lease-give-back.ts`).
 */
export async function mcpRoundTrip(): Promise<McpReport> {
  const entry = join(ROOT, 'dist', 'pods.mjs');
  await access(entry).catch(() => {
    throw new Error(`${entry} is missing: run npm run build first`);
  });
  const home = await mkdtemp(join(tmpdir(), 'pods-bench-mcp-'));
  await chmod(home, 0o755); // as root, the server's service user passes through
  const server = new ManagedPostgres({ home });
  const stopServer = defer('MCP bench server', async () => {
    await server.stop();
    await rm(home, { recursive: true, force: true });
  });
  try {
    const { url } = await within(120_000, 'starting the MCP bench server', server.ensureRunning());
    const ops = await within(60_000, 'opening the MCP bench store', openContainer({ kind: 'postgres', url }));
    const closeOps = defer('the MCP bench store', () => ops.close());
    try {
      await within(60_000, 'creating and peering the MCP bench Pods', (async () => {
        for (const pod of ['a', 'b', 'c']) await ops.app.createPod.execute({ name: PodName.unsafe(pod), scope: [] });
        await ops.app.initiatePeerHandshake.execute({ from: PodName.unsafe('a'), to: PodName.unsafe('b'), via: 'bench' });
      })());
      const exchanges = await exchangesOf(entry, home);
      const giveBack = await within(20 * 60_000, 'signalled pods mcp giving leases back', leaseGiveBack(entry, envFor(home), ops, 'c', GIVE_BACKS));
      return { ...exchanges, giveBack };
    } finally {
      await closeOps();
    }
  } finally {
    await stopServer();
  }
}

async function exchangesOf(entry: string, home: string): Promise<Omit<McpReport, 'giveBack'>> {
  const [a, b] = await Promise.all([agent(entry, home, 'a'), agent(entry, home, 'b')]);
  try {
    const roundTrips: number[] = [];
    for (let i = 0; i < WARM_UP + ROUND_TRIPS; i += 1) {
      const started = performance.now();
      const listed = await a.call('ListPods', {});
      if (listed.isError) throw new Error(`ListPods failed: ${listed.content[0]?.text ?? ''}`);
      if (i >= WARM_UP) roundTrips.push(performance.now() - started);
    }
    const crossings: number[] = [];
    for (let i = 0; i < CROSSINGS; i += 1) {
      const body = `crossing ${i}`;
      const started = performance.now();
      const sent = await a.call('SendToPeerPod', { name: 'b', message: body });
      if (sent.isError) throw new Error(`SendToPeerPod failed: ${sent.content[0]?.text ?? ''}`);
      const seen = await b.call('ListPods', {});
      if (!inboundBodies(seen).includes(body)) throw new Error(`b's next result did not carry ${JSON.stringify(body)}`);
      crossings.push(performance.now() - started);
    }
    const woken: number[] = [];
    for (let i = 0; i < CROSSINGS; i += 1) {
      const body = `wake-up ${i}`;
      const waiting = b.call('ListPods', { wait_ms: CALL_MS / 2 });
      await new Promise((resolve) => setTimeout(resolve, 25)); // let b's wait begin: the measure is the wake-up, not a look
      const started = performance.now();
      const sent = await a.call('SendToPeerPod', { name: 'b', message: body });
      if (sent.isError) throw new Error(`SendToPeerPod failed: ${sent.content[0]?.text ?? ''}`);
      const seen = await waiting;
      if (!inboundBodies(seen).includes(body)) throw new Error(`b's waiting ListPods did not end with ${JSON.stringify(body)}`);
      woken.push(performance.now() - started);
    }
    return { roundTripMs: latencyOf(roundTrips), sendToNextResultMs: latencyOf(crossings), sendToWaitingResultMs: latencyOf(woken) };
  } finally {
    await within(30_000, 'closing the two pods mcp clients', Promise.all([a.close(), b.close()]));
  }
}
