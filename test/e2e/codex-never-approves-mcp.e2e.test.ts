import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { agentProcesses } from '../support/agent-process.js';
import { startLoopbackModelServer, type LoopbackModelServer } from '../support/loopback-model/loopback-model-server.js';
import { callMcpTool } from '../support/loopback-model/tool-intents.js';
import { say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { agentRecipe, agentRunDir, codexConfig, findAgent, prepareAgent } from '../support/real-agents.js';
import { connectRecordingClient, INITIALIZE } from '../support/recording-acp-client.js';

/*
 * Codex with the `[mcp_servers.pods]` entry of docs/mcp.md and `approval_policy = "never"`,
 * as `codex exec` runs: a tool it must ask approval for is declined ("MCP tool call requires
 * approval, but approval policy is never"). Without the tools' annotations every call asked;
 * with them only StopPod (destructive) does, unless its `approval_mode` says otherwise. No
 * `codex` CLI is installed here; codex-acp runs the same Codex core, driven over ACP, with its
 * model faked on loopback.
 */
const codex = findAgent('codex');
if (!codex.ok) console.warn(`skipping Codex against pods mcp: ${codex.reason}`);

let cli: Awaited<ReturnType<typeof buildCli>>;
let model: LoopbackModelServer;
const agents = agentProcesses();
beforeAll(async () => {
  if (!codex.ok) return;
  cli = await buildCli();
  model = await startLoopbackModelServer({ script: scriptTurns([]) });
}, 120_000);
afterAll(async () => {
  await agents.endAll();
  await model?.close();
  await cli?.dispose();
});

const toml = (value: string): string => JSON.stringify(value);

describe.skipIf(!codex.ok)('Codex (approval policy never) calls the pods tools from its config.toml entry', () => {
  it('runs ListPods, SendToPeerPod and SpawnPod without asking (their hints say so), StopPod with its approval_mode entry; results reach its model', async () => {
    const home = await cli.home('codex-never');
    for (const args of [['create', 'agent'], ['create', 'friend'], ['peer', 'agent', 'friend']]) expect((await cli.pods(home, ...args)).code).toBe(0);
    model.setScript(scriptTurns([when('pods-e2e',
      callMcpTool('pods', 'ListPods', {}),
      callMcpTool('pods', 'SendToPeerPod', { name: 'friend', message: 'hello from codex' }),
      callMcpTool('pods', 'SpawnPod', { name: 'codexkid', task: 'wait' }),
      callMcpTool('pods', 'StopPod', { name: 'codexkid' }),
      say('done with pods'))]));
    const root = agentRunDir('codex');
    const stateDir = join(root, 'state');
    const cwd = join(root, 'project');
    mkdirSync(cwd, { recursive: true });
    const recipe = agentRecipe('codex', stateDir, model.url);
    const config = codexConfig(model.url).replace('approval_policy = "on-request"', 'approval_policy = "never"') + [
      '[mcp_servers.pods]',
      `command = ${toml(process.execPath)}`,
      `args = [${[cli.main, 'mcp', '--pod', 'agent'].map(toml).join(', ')}]`,
      `env = { PODS_HOME = ${toml(home)} }`,
      '',
      // The one destructive tool asks first; docs/mcp.md says how to let `codex exec` run it.
      '[mcp_servers.pods.tools.StopPod]',
      'approval_mode = "approve"',
      '',
    ].join('\n');
    const proc = agents.spawn(prepareAgent({ ...recipe, files: { '.codex/config.toml': config } }, stateDir), cwd);
    try {
      const client = connectRecordingClient(proc);
      await client.connection.agent.request('initialize', INITIALIZE);
      const created = await client.connection.agent.request('session/new', { cwd, mcpServers: [] });
      const done = await client.connection.agent.request('session/prompt', { sessionId: created.sessionId, prompt: [{ type: 'text', text: 'pods-e2e: use the pods tools' }] });
      expect(done.stopReason, proc.stderr()).toBe('end_turn');
      expect(client.permissions, 'no tool needed an approval').toEqual([]);
      const outputs = model.turns().at(-1)?.items.flatMap((i) => (i.kind === 'tool_result' ? [i.output] : [])) ?? [];
      expect(outputs.join('\n')).not.toMatch(/requires approval/);
      expect(outputs.some((o) => o.includes('2 visible pod(s)')), JSON.stringify(outputs)).toBe(true);
      expect(outputs.some((o) => o.includes('stopped pod `codexkid`')), JSON.stringify(outputs)).toBe(true);
      const delivered = JSON.parse((await cli.pods(home, 'history', 'friend', '--json')).stdout) as { kind: string; from?: string; body?: string }[];
      expect(delivered).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'agent', body: 'hello from codex' })]);
    } finally {
      await agents.endAll();
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);
});
