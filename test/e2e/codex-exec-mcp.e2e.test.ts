import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { agentProcesses } from '../support/agent-process.js';
import { startLoopbackModelServer, type LoopbackModelServer } from '../support/loopback-model/loopback-model-server.js';
import { callMcpTool } from '../support/loopback-model/tool-intents.js';
import { say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { clientEnv, clientRunDirs, codexExecConfig, findMcpClient, leftBehind, runClient, writeFiles, type ClientRunDirs } from '../support/real-mcp-clients.js';

/*
 * The real `codex exec` (npm @openai/codex, pinned) with the `[mcp_servers.pods]` entry of
 * docs/mcp.md in its ~/.codex/config.toml, word for word (`pods` on PATH, as `npm link` puts it),
 * its model a script on a loopback Responses server. `codex exec` cannot ask for approval: a
 * call that needs one is declined.
 */
const codex = findMcpClient('codex');

let cli: Awaited<ReturnType<typeof buildCli>>;
let model: LoopbackModelServer;
const agents = agentProcesses();
const roots: string[] = [];
beforeAll(async () => {
  if (!codex.ok) return;
  cli = await buildCli();
  model = await startLoopbackModelServer({ script: scriptTurns([]) });
}, 120_000);
afterEach(async () => {
  await agents.endAll();
});
afterAll(async () => {
  await model?.close();
  await cli?.dispose();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
}, 120_000);

const toml = (value: string): string => JSON.stringify(value);

/**
 * The entry of docs/mcp.md ("Codex"), with this run's store; `stopPodApproved` keeps its StopPod
 * block. A lease a minute long (`PODS_LEASE_TTL_MS`, one more variable in `env`) keeps a lease the
 * server failed to give back visible to `pods ls` long after the run, so "no lease left" is proven.
 */
function podsEntry(podsHome: string, stopPodApproved: boolean): string {
  return [
    '[mcp_servers.pods]',
    'command = "pods"',
    'args = ["mcp", "--pod", "agent"]',
    `env = { PODS_HOME = ${toml(podsHome)}, PODS_LEASE_TTL_MS = "60000" }`,
    '',
    ...(stopPodApproved ? ['[mcp_servers.pods.tools.StopPod]', 'approval_mode = "approve"', ''] : []),
  ].join('\n');
}

async function setUp(stopPodApproved: boolean): Promise<ClientRunDirs> {
  const dirs = await clientRunDirs(cli, 'codex');
  roots.push(dirs.root);
  for (const args of [['create', 'agent'], ['create', 'friend'], ['peer', 'agent', 'friend']]) expect((await cli.pods(dirs.podsHome, ...args)).code).toBe(0);
  writeFiles(dirs.home, { '.codex/config.toml': codexExecConfig(model.url) + podsEntry(dirs.podsHome, stopPodApproved) });
  return dirs;
}

const codexExec = (dirs: ClientRunDirs, prompt: string) => {
  if (!codex.ok) throw new Error(codex.reason);
  // Outside a git repository `codex exec` wants --skip-git-repo-check; nothing of it concerns pods.
  const command = { command: codex.command, args: ['exec', '--skip-git-repo-check', prompt], env: clientEnv(dirs, { LOOPBACK_API_KEY: 'loopback-not-a-real-key' }) };
  return runClient(agents, command, dirs.project, 120_000);
};

/** What the pods tools answered, as the model was shown it on its last request. */
const toolOutputs = (): string[] => model.turns().at(-1)?.items.flatMap((i) => (i.kind === 'tool_result' ? [i.output] : [])) ?? [];

async function podsLeases(podsHome: string): Promise<{ name: string; hostId?: string }[]> {
  return JSON.parse((await cli.pods(podsHome, 'ls', '--json')).stdout) as { name: string; hostId?: string }[];
}

if (!codex.ok) {
  // CI installs the clients (.ci/run): there a missing one fails; elsewhere it is skipped with the reason.
  if (process.env['CI']) it('codex is installed', () => expect.fail(codex.reason));
  else {
    console.warn(`skipping codex exec against pods mcp: ${codex.reason}`);
    it.skip(`codex exec against pods mcp: ${codex.reason}`, () => undefined);
  }
} else {
  describe('codex exec with pods mcp as docs/mcp.md configures it (loopback model)', () => {
    it('calls ListPods, SendToPeerPod, SpawnPod and StopPod without asking; the peer gets the message, the answer comes back, nothing is left running', async () => {
      const dirs = await setUp(true);
      model.setScript(scriptTurns([when('pods-e2e', callMcpTool('pods', 'ListPods', {}), callMcpTool('pods', 'SendToPeerPod', { name: 'friend', message: 'hello from codex exec' }), callMcpTool('pods', 'SpawnPod', { name: 'kid', task: 'wait' }), callMcpTool('pods', 'StopPod', { name: 'kid' }), say('done with pods'))]));

      const run = await codexExec(dirs, 'pods-e2e: list the pods, greet friend, start and stop a helper');
      expect(run, JSON.stringify(run)).toMatchObject({ code: 0, stdout: expect.stringContaining('done with pods') });

      const outputs = toolOutputs();
      expect(outputs, JSON.stringify(outputs)).toHaveLength(4);
      expect(outputs.join('\n')).not.toMatch(/requires approval/);
      expect(outputs[0]).toContain('2 visible pod(s)');
      expect(outputs[0], 'agent is live, driven over MCP').toContain('"drivenBy":"mcp"');
      expect(outputs[1]).toContain('sent peer message to `friend`');
      expect(outputs[2]).toContain('`kid`');
      expect(outputs[3]).toContain('stopped pod `kid`');
      const delivered = JSON.parse((await cli.pods(dirs.podsHome, 'history', 'friend', '--json')).stdout) as { kind: string; from?: string; body?: string }[];
      expect(delivered).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'agent', body: 'hello from codex exec' })]);

      // Codex ended the server it started when it left: no process, and no Pod held.
      expect(await leftBehind(run, dirs.home)).toEqual([]);
      expect((await podsLeases(dirs.podsHome)).filter((p) => p.hostId !== undefined)).toEqual([]);
    }, 180_000);

    it('declines StopPod, the one destructive tool, without the entry\'s approval_mode block ("requires approval"), and still runs the others', async () => {
      const dirs = await setUp(false);
      model.setScript(scriptTurns([when('pods-e2e', callMcpTool('pods', 'SpawnPod', { name: 'kid', task: 'wait' }), callMcpTool('pods', 'StopPod', { name: 'kid' }), say('stop was declined'))]));

      const run = await codexExec(dirs, 'pods-e2e: start and stop a helper');
      expect(run, JSON.stringify(run)).toMatchObject({ code: 0, stdout: expect.stringContaining('stop was declined') });

      const outputs = toolOutputs();
      expect(outputs, JSON.stringify(outputs)).toHaveLength(2);
      expect(outputs[0]).toContain('`kid`');
      expect(outputs[0]).not.toMatch(/requires approval/);
      expect(outputs[1]).toMatch(/requires approval/);
      expect(await leftBehind(run, dirs.home)).toEqual([]);
      const pods = await podsLeases(dirs.podsHome);
      expect(pods.find((p) => p.name === 'kid'), 'SpawnPod ran').toBeDefined();
      // The server gave back the lease of `agent` and of the child it ran, though the child was never stopped.
      expect(pods.filter((p) => p.hostId !== undefined)).toEqual([]);
    }, 180_000);
  });
}
