import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { startLoopbackModelServer, type LoopbackModelServer } from '../support/loopback-model/loopback-model-server.js';
import { callMcpTool, type ToolIntent } from '../support/loopback-model/tool-intents.js';
import { say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { agentRecipe, agentRunDir, agentsDir } from '../support/real-agents.js';

/*
 * A real Claude Code (`claude -p`, the CLI the installed Claude agent SDK ships) configured as
 * docs/mcp.md says, its model faked on loopback: the scripted model calls pods' tools, and the
 * test checks what reached the store and what the model was shown.
 */
const CLAUDE = join(agentsDir(), 'node_modules', '@anthropic-ai', 'claude-agent-sdk', 'cli.js');
const installed = existsSync(CLAUDE);
if (!installed) console.warn(`skipping claude -p against pods mcp: ${CLAUDE} is not installed (tools/agents/install-agents.sh)`);

let cli: Awaited<ReturnType<typeof buildCli>>;
let model: LoopbackModelServer;
beforeAll(async () => {
  if (!installed) return;
  cli = await buildCli();
  model = await startLoopbackModelServer({ script: scriptTurns([]) });
}, 120_000);
afterAll(async () => {
  await model?.close();
  await cli?.dispose();
});

describe.skipIf(!installed)('claude -p with pods mcp as docs/mcp.md configures it (loopback model)', () => {
  it('calls the pods tools with --allowedTools mcp__pods: ListPods reads, SendToPeerPod delivers with the verified sender', async () => {
    const home = await cli.home('claude-print');
    for (const args of [['create', 'agent'], ['create', 'friend'], ['peer', 'agent', 'friend']]) expect((await cli.pods(home, ...args)).code).toBe(0);
    const steps: ToolIntent[] = [callMcpTool('pods', 'ListPods', {}), callMcpTool('pods', 'SendToPeerPod', { name: 'friend', message: 'hello from claude -p' })];
    model.setScript(scriptTurns([when('pods-e2e', ...steps, say('done with pods'))]));

    const root = agentRunDir('claude');
    const stateDir = join(root, 'state');
    mkdirSync(stateDir, { recursive: true });
    const recipe = agentRecipe('claude', stateDir, model.url, { ok: true, command: CLAUDE });
    // The entry of docs/mcp.md: the command, its arguments, and PODS_HOME in `env` (hosts pass servers a minimal environment).
    const config = join(root, 'mcp.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { pods: { command: process.execPath, args: [cli.main, 'mcp', '--pod', 'agent'], env: { PODS_HOME: home } } } }));
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', ...recipe.env };
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLAUDE, '-p', 'pods-e2e: list the pods, then greet friend', '--mcp-config', config, '--strict-mcp-config', '--allowedTools', 'mcp__pods'], { cwd: root, env, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
    });
    expect(run, JSON.stringify(run)).toMatchObject({ code: 0, stdout: expect.stringContaining('done with pods') });

    const results = model.turns().flatMap((t) => t.items).filter((i) => i.kind === 'tool_result');
    const outputs = [...new Set(results.map((r) => (r.kind === 'tool_result' ? r.output : '')))];
    expect(outputs.some((o) => o.includes('2 visible pod(s)')), JSON.stringify(outputs)).toBe(true);
    expect(outputs.some((o) => o.includes('sent peer message to `friend`')), JSON.stringify(outputs)).toBe(true);
    const delivered = JSON.parse((await cli.pods(home, 'history', 'friend', '--json')).stdout) as { kind: string; from?: string; body?: string }[];
    expect(delivered).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'agent', body: 'hello from claude -p' })]);
    // The server left with Claude Code: the Pod is free.
    const listed = JSON.parse((await cli.pods(home, 'ls', '--json')).stdout) as { name: string; hostId?: string }[];
    expect(listed.find((p) => p.name === 'agent')?.hostId).toBeUndefined();
  }, 180_000);
});
