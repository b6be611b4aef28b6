import { mkdir, readFile, writeFile as writeTextFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { probeBubblewrap } from '../../src/adapters/sandbox/bubblewrap-probe.js';
import { buildCli } from '../cli/built-cli.js';
import { startLoopbackModelServer, type LoopbackModelServer } from '../support/loopback-model/loopback-model-server.js';
import { callMcpTool, callTool, runShell, writeFile } from '../support/loopback-model/tool-intents.js';
import { say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { codexConfig, findAgent, type RealAgent } from '../support/real-agents.js';
import { operatorMachine, type BuiltCli, type Entry, type OperatorMachine, type Served } from '../support/served-pods.js';

// Two real agents start, resume after a scope change and answer several turns each on a
// shared 2-core machine: every wait is bounded generously (minutes), never a fixed sleep.
const TEST_MS = 600_000;
const DUMMY_KEY = 'loopback-not-a-real-key';

const AGENTS: readonly RealAgent[] = ['claude', 'codex'];
const missing = [
  ...AGENTS.flatMap((agent) => {
    const found = findAgent(agent);
    return found.ok ? [] : [found.reason];
  }),
  ...(await probeBubblewrap().then((probe) => (probe.available ? [] : [`bubblewrap: ${probe.reason}`]))),
];

if (missing.length > 0) {
  // CI installs the agents and bubblewrap (.ci/run): there a missing one fails; elsewhere it is skipped with the reason.
  if (process.env['CI']) it('has the real agents and bubblewrap', () => expect.fail(missing.join('; ')));
  else {
    console.warn(`skipping the pods-with-real-agents tests: ${missing.join('; ')}`);
    it.skip(`real agents through the pods CLI: ${missing.join('; ')}`, () => undefined);
  }
} else {
  describe('real agents driving Pods through the pods CLI on the default store', () => {
    let cli: BuiltCli;
    let machine: OperatorMachine;
    let model: LoopbackModelServer;
    let serve: Served | undefined;

    beforeAll(async () => {
      cli = await buildCli();
    }, 300_000);
    afterAll(async () => {
      await cli?.dispose();
    }, 120_000);

    beforeEach(async () => {
      machine = await operatorMachine(cli);
      model = await startLoopbackModelServer({ script: scriptTurns([]) });
    });

    afterEach(async () => {
      try {
        if (serve) {
          // The host ends on SIGTERM, taking its agents and relays with it, and leaves no lease.
          expect(await serve.stop()).toBe(0);
          const listed = JSON.parse(await machine.pods('ls', '--json')) as { name: string; status: string; hostId?: string }[];
          expect(listed.filter((p) => p.hostId !== undefined || p.status !== 'stopped')).toEqual([]);
        }
      } finally {
        serve = undefined;
        await machine.close();
        await model.close();
      }
    }, 120_000);

    /** The two profiles, as an operator adds them (the lines docs/agents.md shows). */
    async function addProfiles(): Promise<void> {
      const claude = findAgent('claude');
      const codex = findAgent('codex');
      if (!claude.ok || !codex.ok) throw new Error('checked above');
      await machine.pods(
        'profile', 'add', 'claude', '--acp',
        '--env', `ANTHROPIC_BASE_URL=${model.url}`,
        '--env', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1', '--env', 'DISABLE_AUTOUPDATER=1',
        '--env', 'DISABLE_TELEMETRY=1', '--env', 'DISABLE_ERROR_REPORTING=1',
        '--pass-env', 'ANTHROPIC_API_KEY',
        '--', claude.command,
      );
      const config = join(machine.root, 'codex-config.toml');
      await writeTextFile(config, codexConfig(model.url, 'danger-full-access'));
      await machine.pods(
        'profile', 'add', 'codex', '--acp',
        '--pass-env', 'LOOPBACK_API_KEY',
        '--home-file', `.codex/config.toml=${config}`,
        '--', codex.command,
      );
    }

    const startHost = (): Served => (serve = machine.serve({ ANTHROPIC_API_KEY: DUMMY_KEY, LOOPBACK_API_KEY: DUMMY_KEY }));

    /** A failure's context: the host's log and what each agent wrote to stderr. */
    async function diagnose<T>(run: () => Promise<T>, pods: readonly string[]): Promise<T> {
      try {
        return await run();
      } catch (error) {
        const logs = await Promise.all(pods.map(async (pod) => {
          const history = await machine.pods('history', pod).catch((e: unknown) => String(e));
          return `--- ${pod}: history\n${history.slice(-6_000)}\n--- ${pod}/agent.log\n${(await machine.agentLog(pod)).slice(-4_000)}`;
        }));
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- pods serve\n${serve?.output() ?? ''}\n${logs.join('\n')}`);
      }
    }

    it('an operator\'s Claude Pod spawns a Codex child that writes in its lent scope; the parent reads its output and tells a peer', async () => {
      const { work } = machine;
      const sub = join(work, 'sub');
      await mkdir(sub);
      const spawn = { name: 'kid', task: 'KID-WRITE: put a line in out.txt, then say you are done.', profile: 'codex', scope: [{ target: sub, permission: 'write' }] };
      model.setScript(scriptTurns([
        when(/child `kid` finished its turn/,
          callMcpTool('pods', 'ReadPodOutput', { name: 'kid' }),
          writeFile(join(work, 'report.md'), 'kid wrote sub/out.txt\n'),
          callMcpTool('pods', 'SendToPeerPod', { name: 'pal', message: 'kid wrote sub/out.txt' }),
          say('Reported to pal.')),
        when('LEAD-SPAWN', callMcpTool('pods', 'SpawnPod', spawn), say('Spawned kid.')),
        when('KID-WRITE', writeFile(join(sub, 'out.txt'), 'written by kid with apply_patch\n'), say('Wrote out.txt in my scope.')),
      ]));
      await addProfiles();
      await machine.pods('create', 'lead', '--profile', 'claude', '--scope', `write:${work}`);
      await machine.pods('create', 'pal');
      await machine.pods('peer', 'lead', 'pal');
      const host = startHost();
      await diagnose(async () => {
        await host.logged(/serving `lead`, `pal`/);
        const typed = await machine.say('lead', 'LEAD-SPAWN: spawn kid to write sub/out.txt');
        expect(typed.code, typed.stderr).toBe(0);
        await host.logged(/`kid` turn finished/);
        await host.logged(/`lead` turn finished/, 2);
        await host.logged(/`pal` turn finished/);
      }, ['lead', 'kid']);

      // The child's agent (Codex) wrote the file with its own file tool, in the scope its parent lent it.
      expect(await readFile(join(sub, 'out.txt'), 'utf8')).toBe('written by kid with apply_patch\n');
      const kid = await machine.history('kid');
      expect(kid[0]).toMatchObject({ kind: 'user_input', origin: { type: 'parent', parent: 'lead' }, text: spawn.task });
      expect(kid.find((e) => e.kind === 'tool_call')).toMatchObject({ tool: `Edit ${sub}/out.txt`, agent: { toolKind: 'edit', locations: [`${sub}/out.txt`] } });
      expect(kid.find((e) => e.kind === 'tool_result')).toMatchObject({ outcome: 'ok', agent: { status: 'completed' } });
      expect(kid.at(-1)).toMatchObject({ kind: 'assistant_message', text: 'Wrote out.txt in my scope.' });

      // The parent's history: its agent's (Claude's) calls as it made them, the child's completion, what it read.
      const lead = await machine.history('lead');
      const calls = lead.filter((e) => e.kind === 'tool_call');
      expect(calls.map((e) => e['tool'])).toEqual(['mcp__pods__SpawnPod', 'mcp__pods__ReadPodOutput', 'Write report.md', 'mcp__pods__SendToPeerPod']);
      expect(calls[0]).toMatchObject({ input: spawn, agent: { toolKind: 'other' } });
      expect(calls[2]).toMatchObject({ input: { file_path: `${work}/report.md` }, agent: { toolKind: 'edit', locations: [`${work}/report.md`] } });
      const event = lead.find((e) => e.kind === 'pod_event');
      expect(event).toMatchObject({ child: 'kid', event: 'finished' });
      const read = lead.find((e) => e.kind === 'tool_result' && e['tool'] === 'mcp__pods__ReadPodOutput');
      expect(read).toMatchObject({ outcome: 'ok', agent: { status: 'completed', output: expect.stringContaining('Wrote out.txt in my scope.') } });
      // The completion was the prompt of the parent's next turn: its agent read the child after it.
      expect(read!.seq).toBeGreaterThan(event!.seq);
      expect(calls[1]).toMatchObject({ seenThrough: event!.seq });
      const permission = lead.find((e) => e.kind === 'permission' && e['toolKind'] === 'edit');
      expect(permission).toMatchObject({ decision: 'allowed', rule: `write:${work}`, locations: [`${work}/report.md`] });
      expect(await readFile(join(work, 'report.md'), 'utf8')).toBe('kid wrote sub/out.txt\n');

      // The peer got the message from its verified sender; explain traces it to `pods peer`, and the permission to its rule.
      const pal = await machine.history('pal');
      const message = pal.find((e) => e.kind === 'peer_message');
      expect(message).toMatchObject({ from: 'lead', body: 'kid wrote sub/out.txt' });
      const explain = async (pod: string, seq: number) => (await machine.pods('explain', pod, String(seq))).trimEnd().split('\n');
      expect(await explain('pal', message!.seq)).toEqual([
        `#${message!.seq} peer_message from lead: kid wrote sub/out.txt`,
        expect.stringMatching(/^ {2}peer message #1 from `lead` over relation rel_\w+ \(current\)$/),
        expect.stringMatching(/^ {2}← created by `pods peer lead pal` at /),
      ]);
      expect(await explain('lead', permission!.seq)).toEqual([
        expect.stringContaining(`permission ${permission!['callId'] as string} allowed Write report.md`),
        `  allowed by pods from \`lead\`'s scope rule write:${work} (given by the operator at create)`,
      ]);
      // Every other link of the chain: the agents' own calls, the child's task and its completion.
      expect((await explain('lead', calls[0]!.seq))[1]).toBe('  written during `lead`\'s own turn (its model\'s output, or a tool it called)');
      expect((await explain('kid', kid.find((e) => e.kind === 'tool_call')!.seq))[1]).toBe('  written during `kid`\'s own turn (its model\'s output, or a tool it called)');
      for (const [pod, seq] of [['kid', 1], ['lead', event!.seq]] as const) {
        expect((await explain(pod, seq))[1]).toMatch(/^ {2}`kid` is a spawned child of `lead` \(spawned at \S+, now outstanding\)$/);
      }
      const listed = JSON.parse(await machine.pods('ls', '--json')) as { name: string; profile: string }[];
      expect(listed.map((p) => [p.name, p.profile])).toEqual([['kid', 'codex'], ['lead', 'claude'], ['pal', 'default']]);
      // The key the agents were passed never reached history.
      expect(JSON.stringify([lead, kid, pal])).not.toContain(DUMMY_KEY);
    }, TEST_MS);

    it('the loan and the escapes: a parent lends write on sub and loses it until StopPod; no way out of the scope works for either agent', async () => {
      const { work, root } = machine;
      const sub = join(work, 'sub');
      const outside = join(root, 'outside');
      await mkdir(sub);
      await mkdir(outside);
      await writeTextFile(join(outside, 'secret.txt'), 'not for any agent\n');
      const spawn = { name: 'kid', task: 'CODEX-ESCAPE: try to leave your scope.', profile: 'codex', scope: [{ target: sub, permission: 'write' }] };
      model.setScript(scriptTurns([
        when(/child `kid` finished its turn/,
          runShell(`printf p > ${sub}/x`),
          runShell(`printf p > ${work}/y && echo wrote-y`),
          writeFile(join(outside, 'claude-write.txt'), 'leak\n'),
          runShell(`printf leak > ${outside}/claude-shell.txt`),
          callTool('Read', { file_path: join(outside, 'secret.txt') }),
          runShell(`cat ${outside}/secret.txt`),
          callMcpTool('pods', 'StopPod', { name: 'kid' }),
          say('CLAUDE-TRIED')),
        when('LOAN-SPAWN', callMcpTool('pods', 'SpawnPod', spawn), say('Spawned kid.')),
        when('CODEX-ESCAPE',
          writeFile(join(outside, 'codex-patch.txt'), 'leak\n'),
          runShell(`printf leak > ${outside}/codex-shell.txt`),
          runShell(`cat ${outside}/secret.txt`),
          runShell(`printf ok > ${sub}/codex-inside.txt && echo wrote-inside`),
          callMcpTool('pods', 'ListPods', {}),
          say('CODEX-TRIED')),
        when('LOAN-BACK', runShell(`printf back > ${sub}/x && echo wrote-x`), say('Wrote x again.')),
      ]));
      await addProfiles();
      await machine.pods('create', 'lead', '--profile', 'claude', '--scope', `write:${work}`);
      const host = startHost();
      await diagnose(async () => {
        await host.logged(/serving `lead`/);
        expect((await machine.say('lead', 'LOAN-SPAWN: spawn kid')).code).toBe(0);
        await host.logged(/`kid` turn finished/);
        await host.logged(/`lead` turn finished/, 2);
        expect((await machine.say('lead', 'LOAN-BACK: write sub/x again')).code).toBe(0);
        await host.logged(/`lead` turn finished/, 3);
      }, ['lead', 'kid']);
      // Claude, the parent: after the spawn its agent was restarted read-only on sub (and resumed its session).
      const lead = await machine.history('lead');
      const shells = resultsOf(lead, 'execute');
      expect(shells.get(`printf p > ${sub}/x`)).toMatchObject({ outcome: 'execution_failed', agent: { output: expect.stringContaining('Read-only file system') } });
      expect(shells.get(`printf p > ${work}/y && echo wrote-y`)).toMatchObject({ outcome: 'ok' });
      expect(await readFile(join(work, 'y'), 'utf8')).toBe('p');
      expect(anthropicTurns(model).some((turn) => turn.items.some((i) => i.kind === 'text' && i.role === 'assistant' && i.text === 'Spawned kid.'))).toBe(true);
      // Its file tool is refused out of scope by pods; its shell cannot reach past the sandbox, to write or to read.
      expect(lead.filter((e) => e.kind === 'permission' && e['decision'] === 'rejected').map((e) => [e['toolKind'], e['reason']])).toEqual([
        ['edit', `refused edit: write ${outside}/claude-write.txt is outside the scope (no scope rule covers it)`],
        ['read', `refused read: read ${outside}/secret.txt is outside the scope (no scope rule covers it)`],
      ]);
      expect(shells.get(`printf leak > ${outside}/claude-shell.txt`)).toMatchObject({ outcome: 'execution_failed', agent: { output: expect.stringContaining('No such file or directory') } });
      expect(shells.get(`cat ${outside}/secret.txt`)).toMatchObject({ outcome: 'execution_failed', agent: { output: expect.stringContaining('No such file or directory') } });
      // After StopPod gave the loan back, the next turn's agent writes sub again.
      expect(shells.get(`printf back > ${sub}/x && echo wrote-x`)).toMatchObject({ outcome: 'ok' });
      expect(await readFile(join(sub, 'x'), 'utf8')).toBe('back');

      // Codex, the child: inside its lent scope it writes; its patch tool and its shell fail outside it.
      const kid = await machine.history('kid');
      expect(kid.find((e) => e.kind === 'tool_result' && e['tool'] === `Edit ${outside}/codex-patch.txt`)).toMatchObject({ outcome: 'execution_failed' });
      const codexSaw = codexToolOutputs(model);
      expect(codexSaw).toEqual([
        expect.stringContaining(`Failed to create parent directories for ${outside}/codex-patch.txt`),
        expect.stringContaining(`${outside}/codex-shell.txt: No such file or directory`),
        expect.stringContaining(`cat: ${outside}/secret.txt: No such file or directory`),
        expect.stringContaining('wrote-inside'),
        expect.stringContaining('1 visible pod(s)'),
      ]);
      expect(await readFile(join(sub, 'codex-inside.txt'), 'utf8')).toBe('ok');
      // Its history shows what its commands printed, though Codex sends that only as rawOutput.
      expect(resultsOf(kid, 'execute').get(`printf leak > ${outside}/codex-shell.txt`)).toMatchObject({
        outcome: 'execution_failed', agent: { output: expect.stringContaining('No such file or directory') },
      });
      // Its ListPods ran (codexSaw above). ListPods is marked read-only, so Codex may not ask at all;
      // when it asks ("Approve MCP tool call"), pods knows the Pod tool by the call Codex announced.
      for (const asked of kid.filter((e) => e.kind === 'permission' && String(e['title']).startsWith('Tool: pods/'))) {
        expect(asked).toMatchObject({ decision: 'allowed', reason: 'allowed: one of pods\' own tools, bounded by the Pod\'s authority' });
      }

      for (const name of ['claude-write.txt', 'claude-shell.txt', 'codex-patch.txt', 'codex-shell.txt']) {
        await expect(readFile(join(outside, name)), name).rejects.toThrow(/ENOENT/);
      }
    }, TEST_MS);
  });
}

/** The result of each of the agent's calls of `kind`, by the call's title (for a shell command, the command). */
function resultsOf(history: readonly Entry[], kind: string): Map<string, Entry> {
  const ids = new Set(history.filter((e) => e.kind === 'tool_call' && (e['agent'] as { toolKind?: string } | undefined)?.toolKind === kind).map((e) => e['callId']));
  return new Map(history.filter((e) => e.kind === 'tool_result' && ids.has(e['callId'])).map((e) => [e['tool'] as string, e]));
}

const anthropicTurns = (model: LoopbackModelServer) => model.turns().filter((t) => t.api === 'anthropic-messages');

/** What Codex's model was told of each of its tool calls, in order (its last request holds them all). */
function codexToolOutputs(model: LoopbackModelServer): string[] {
  const last = model.turns().filter((t) => t.api === 'openai-responses').at(-1);
  return last?.items.flatMap((i) => (i.kind === 'tool_result' ? [i.output] : [])) ?? [];
}
