import { expect, it } from 'vitest';
import { callMcpTool } from '../support/loopback-model/tool-intents.js';
import { say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { clientEnv, geminiSettings, leftBehind, mcpClientSuite, runClient, writeFiles, type ClientRunDirs } from '../support/real-mcp-clients.js';

/*
 * The real Gemini CLI (`gemini -p`, npm @google/gemini-cli, pinned) with the `mcpServers.pods`
 * entry of docs/mcp.md in its ~/.gemini/settings.json (`pods` on PATH, as `npm link` puts it),
 * its model a script on a loopback Gemini API server (GOOGLE_GEMINI_BASE_URL).
 */
const suite = mcpClientSuite('gemini');

/**
 * The entry of docs/mcp.md ("Gemini CLI"), with this run's store; `trust` keeps its `"trust":
 * true`. A lease a minute long (`PODS_LEASE_TTL_MS`, one more variable in `env`) keeps a lease
 * the server failed to give back visible to `pods ls` long after the run.
 */
function podsEntry(podsHome: string, trust: boolean): Record<string, unknown> {
  return { pods: { command: 'pods', args: ['mcp', '--pod', 'agent'], env: { PODS_HOME: podsHome, PODS_LEASE_TTL_MS: '60000' }, ...(trust ? { trust: true } : {}) } };
}

async function setUp(trust: boolean): Promise<ClientRunDirs> {
  const dirs = await suite.peeredRun();
  writeFiles(dirs.home, { '.gemini/settings.json': JSON.stringify(geminiSettings(podsEntry(dirs.podsHome, trust)), null, 2) });
  return dirs;
}

/**
 * `gemini -p PROMPT` in the run's project. `--skip-trust` trusts that folder for the run: in a
 * folder not trusted, `gemini -p` exits 55 at once ("not running in a trusted directory"), and
 * Gemini CLI starts no stdio MCP server there in any mode.
 */
const geminiPrint = (dirs: ClientRunDirs, prompt: string) => {
  if (!suite.found.ok) throw new Error(suite.found.reason);
  const env = clientEnv(dirs, { GEMINI_API_KEY: 'loopback-not-a-real-key', GOOGLE_GEMINI_BASE_URL: suite.model.url });
  return runClient(suite.agents, { command: suite.found.command, args: ['--skip-trust', '-p', prompt], env }, dirs.project, 120_000);
};

suite.describeInstalled('gemini -p with pods mcp as docs/mcp.md configures it (loopback model)', () => {
  it('calls ListPods, SendToPeerPod, SpawnPod and StopPod with "trust": true; the peer gets the message, the answers come back, nothing is left running', async () => {
    const dirs = await setUp(true);
    suite.model.setScript(scriptTurns([when('pods-e2e', callMcpTool('pods', 'ListPods', {}), callMcpTool('pods', 'SendToPeerPod', { name: 'friend', message: 'hello from gemini -p' }), callMcpTool('pods', 'SpawnPod', { name: 'kid', task: 'wait' }), callMcpTool('pods', 'StopPod', { name: 'kid' }), say('done with pods'))]));

    const earlier = suite.model.turns().length;
    const run = await geminiPrint(dirs, 'pods-e2e: list the pods, greet friend, start and stop a helper');
    expect(run, JSON.stringify(run)).toMatchObject({ code: 0, stdout: expect.stringContaining('done with pods') });

    // Gemini CLI 0.61 names MCP tools `mcp_<server>_<tool>` and wraps their output in <untrusted_context>.
    expect(suite.model.turns()[earlier]?.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['mcp_pods_ListPods', 'mcp_pods_SendToPeerPod', 'mcp_pods_SpawnPod', 'mcp_pods_StopPod']));
    const outputs = suite.toolOutputs();
    expect(outputs, JSON.stringify(outputs)).toHaveLength(4);
    expect(outputs[0]).toContain('2 visible pod(s)');
    expect(outputs[0], 'agent is live, driven over MCP').toContain('"drivenBy":"mcp"');
    expect(outputs[1]).toContain('sent peer message to `friend`');
    expect(outputs[2]).toContain('spawned pod `kid`');
    expect(outputs[3]).toContain('stopped pod `kid`');
    const delivered = JSON.parse((await suite.cli.pods(dirs.podsHome, 'history', 'friend', '--json')).stdout) as { kind: string; from?: string; body?: string }[];
    expect(delivered).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'agent', body: 'hello from gemini -p' })]);

    // Gemini CLI ended the server it started when it left: no process, and no Pod held.
    expect(await leftBehind(run, dirs.home)).toEqual([]);
    expect((await suite.podsLeases(dirs.podsHome)).filter((p) => p.hostId !== undefined)).toEqual([]);
  }, 180_000);

  it('without "trust": true offers the model none of the pods tools (no one can confirm a call), and still leaves nothing running', async () => {
    const dirs = await setUp(false);
    suite.model.setScript(scriptTurns([when('pods-e2e', say('no pods tools here'))]));

    const earlier = suite.model.turns().length;
    const run = await geminiPrint(dirs, 'pods-e2e: list the pods');
    expect(run, JSON.stringify(run)).toMatchObject({ code: 0, stdout: expect.stringContaining('no pods tools here') });

    const offered = suite.model.turns().slice(earlier).flatMap((t) => t.tools.map((tool) => tool.name));
    expect(offered, 'Gemini CLI offered its own tools').toContain('read_file');
    expect(offered.filter((name) => /pods|Pod/.test(name))).toEqual([]);
    expect(await leftBehind(run, dirs.home)).toEqual([]);
    expect((await suite.podsLeases(dirs.podsHome)).filter((p) => p.hostId !== undefined)).toEqual([]);
  }, 180_000);
});
