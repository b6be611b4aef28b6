import { expect, it } from 'vitest';
import { callMcpTool } from '../support/loopback-model/tool-intents.js';
import { say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { clientEnv, codexExecConfig, leftBehind, mcpClientSuite, runClient, writeFiles, type ClientRunDirs } from '../support/real-mcp-clients.js';

/*
 * The real `codex exec` (npm @openai/codex, pinned) with the `[mcp_servers.pods]` entry of
 * docs/mcp.md in its ~/.codex/config.toml, word for word (`pods` on PATH, as `npm link` puts it),
 * its model a script on a loopback Responses server. `codex exec` cannot ask for approval: a
 * call that needs one is declined.
 */
const suite = mcpClientSuite('codex');

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
  const dirs = await suite.peeredRun();
  writeFiles(dirs.home, { '.codex/config.toml': codexExecConfig(suite.model.url) + podsEntry(dirs.podsHome, stopPodApproved) });
  return dirs;
}

const codexExec = (dirs: ClientRunDirs, prompt: string) => {
  if (!suite.found.ok) throw new Error(suite.found.reason);
  // Outside a git repository `codex exec` wants --skip-git-repo-check; nothing of it concerns pods.
  const command = { command: suite.found.command, args: ['exec', '--skip-git-repo-check', prompt], env: clientEnv(dirs, { LOOPBACK_API_KEY: 'loopback-not-a-real-key' }) };
  return runClient(suite.agents, command, dirs.project, 120_000);
};

suite.describeInstalled('codex exec with pods mcp as docs/mcp.md configures it (loopback model)', () => {
  it('calls ListPods, SendToPeerPod, SpawnPod and StopPod without asking; the peer gets the message, the answer comes back, nothing is left running', async () => {
    const dirs = await setUp(true);
    suite.model.setScript(scriptTurns([when('pods-e2e', callMcpTool('pods', 'ListPods', {}), callMcpTool('pods', 'SendToPeerPod', { name: 'friend', message: 'hello from codex exec' }), callMcpTool('pods', 'SpawnPod', { name: 'kid', task: 'wait' }), callMcpTool('pods', 'StopPod', { name: 'kid' }), say('done with pods'))]));

    const run = await codexExec(dirs, 'pods-e2e: list the pods, greet friend, start and stop a helper');
    expect(run, JSON.stringify(run)).toMatchObject({ code: 0, stdout: expect.stringContaining('done with pods') });

    const outputs = suite.toolOutputs();
    expect(outputs, JSON.stringify(outputs)).toHaveLength(4);
    expect(outputs.join('\n')).not.toMatch(/requires approval/);
    expect(outputs[0]).toContain('2 visible pod(s)');
    expect(outputs[0], 'agent is live, driven over MCP').toContain('"drivenBy":"mcp"');
    expect(outputs[1]).toContain('sent peer message to `friend`');
    expect(outputs[2]).toContain('`kid`');
    expect(outputs[3]).toContain('stopped pod `kid`');
    const delivered = JSON.parse((await suite.cli.pods(dirs.podsHome, 'history', 'friend', '--json')).stdout) as { kind: string; from?: string; body?: string }[];
    expect(delivered).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'agent', body: 'hello from codex exec' })]);

    // Codex ended the server it started when it left: no process, and no Pod held.
    expect(await leftBehind(run, dirs.home)).toEqual([]);
    expect((await suite.podsLeases(dirs.podsHome)).filter((p) => p.hostId !== undefined)).toEqual([]);
  }, 180_000);

  it('declines StopPod, the one destructive tool, without the entry\'s approval_mode block ("requires approval"), and still runs the others', async () => {
    const dirs = await setUp(false);
    suite.model.setScript(scriptTurns([when('pods-e2e', callMcpTool('pods', 'SpawnPod', { name: 'kid', task: 'wait' }), callMcpTool('pods', 'StopPod', { name: 'kid' }), say('stop was declined'))]));

    const run = await codexExec(dirs, 'pods-e2e: start and stop a helper');
    expect(run, JSON.stringify(run)).toMatchObject({ code: 0, stdout: expect.stringContaining('stop was declined') });

    const outputs = suite.toolOutputs();
    expect(outputs, JSON.stringify(outputs)).toHaveLength(2);
    expect(outputs[0]).toContain('`kid`');
    expect(outputs[0]).not.toMatch(/requires approval/);
    expect(outputs[1]).toMatch(/requires approval/);
    expect(await leftBehind(run, dirs.home)).toEqual([]);
    const pods = await suite.podsLeases(dirs.podsHome);
    expect(pods.find((p) => p.name === 'kid'), 'SpawnPod ran').toBeDefined();
    // The server gave back the lease of `agent` and of the child it ran, though the child was never stopped.
    expect(pods.filter((p) => p.hostId !== undefined)).toEqual([]);
  }, 180_000);
});
