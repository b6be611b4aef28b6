import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { agentProcesses, livingGroupMembers, livingWithHomeUnder, type AgentCommand } from './agent-process.js';
import { buildCli } from '../cli/built-cli.js';
import { startLoopbackModelServer, type LoopbackModelServer } from './loopback-model/loopback-model-server.js';
import { scriptTurns } from './loopback-model/turn-script.js';
import { agentRunDir, agentsDir, codexLoopbackTables } from './real-agents.js';

/**
 * The real CLIs users run as MCP hosts without a person at the keyboard (`codex exec`,
 * `gemini -p`), installed by `tools/agents/install-agents.sh` beside the ACP agents.
 */
export type McpClient = 'codex' | 'gemini';

/** The pinned packages `tools/agents/install-agents.sh` installs; keep the two in step. */
export const MCP_CLIENT_PACKAGES: Readonly<Record<McpClient, { readonly pkg: string; readonly version: string; readonly bin: string }>> = {
  codex: { pkg: '@openai/codex', version: '0.171.0', bin: 'codex' },
  gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
};

/** The client's command when the pinned version is installed, or the one-line reason it is not. */
export function findMcpClient(client: McpClient): { readonly ok: true; readonly command: string } | { readonly ok: false; readonly reason: string } {
  const { pkg, version, bin } = MCP_CLIENT_PACKAGES[client];
  const command = join(agentsDir(), 'node_modules', '.bin', bin);
  const manifest = join(agentsDir(), 'node_modules', pkg, 'package.json');
  const installed = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version : undefined;
  if (existsSync(command) && installed === version) return { ok: true, command };
  const found = installed === undefined ? 'is not installed' : `is not installed (${installed} is)`;
  return { ok: false, reason: `${pkg}@${version} ${found} in ${agentsDir()} (run tools/agents/install-agents.sh)` };
}

/** Where one client run lives, all outside the temporary directory (see `agentRunDir`). */
export type ClientRunDirs = {
  readonly root: string;
  /** The client's HOME: its `~/.codex` or `~/.gemini`, and its TMPDIR. */
  readonly home: string;
  /** Its working directory. */
  readonly project: string;
  /** A directory with `pods` in it, as `npm link` leaves it, for the client's PATH. */
  readonly bin: string;
  /** The store's PODS_HOME (removed with its store by the CLI's dispose). */
  readonly podsHome: string;
};

export async function clientRunDirs(cli: Awaited<ReturnType<typeof buildCli>>, client: McpClient): Promise<ClientRunDirs> {
  const root = agentRunDir(client);
  const home = join(root, 'home');
  const project = join(root, 'project');
  for (const dir of [join(home, 'tmp'), project]) mkdirSync(dir, { recursive: true });
  return { root, home, project, bin: await cli.linkBin(join(root, 'bin')), podsHome: await cli.home('pods', root) };
}

/** The environment a user's shell gives the client: PATH (with `pods` on it), HOME, locale; nothing of the test's own. */
export function clientEnv(dirs: ClientRunDirs, extra: Readonly<Record<string, string>>): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const name of ['LANG', 'LC_ALL', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) passed[name] = value;
  }
  return { ...passed, PATH: `${dirs.bin}:${process.env['PATH'] ?? ''}`, HOME: dirs.home, TMPDIR: join(dirs.home, 'tmp'), ...extra };
}

/** Writes `files` (path relative to `dir` → content) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/**
 * `~/.codex/config.toml` for `codex exec` 0.171 against the loopback Responses server, with
 * nothing enabled that calls out; the test appends the `[mcp_servers.pods]` entry.
 */
export function codexExecConfig(modelUrl: string): string {
  return [
    // A model Codex 0.171 has metadata for (else it warns that it falls back); the name only goes to our server.
    'model = "gpt-5.5"',
    'model_provider = "loopback"',
    'check_for_update_on_startup = false',
    '',
    ...codexLoopbackTables(modelUrl),
    // With plugins on, every start runs `git ls-remote https://github.com/openai/plugins.git` and
    // looks up api.github.com and chatgpt.com (measured with strace); off, nothing leaves loopback.
    '[features]',
    'plugins = false',
    '',
  ].join('\n');
}

/**
 * `~/.gemini/settings.json` for `gemini -p` 0.61 against the loopback Gemini API server, with
 * nothing enabled that calls out; `mcpServers` is the docs/mcp.md entry the test passes.
 */
export function geminiSettings(mcpServers: Record<string, unknown>): Record<string, unknown> {
  return {
    mcpServers,
    // GOOGLE_GEMINI_BASE_URL alone selects the "gateway" auth type, which `gemini -p` rejects
    // ("Invalid auth method selected."); with the API-key type the base URL still applies.
    security: { auth: { selectedType: 'gemini-api-key' } },
    // The default, "auto", first asks a small model to pick the model (a JSON classification the
    // scripted server does not answer, retried with back-off); a named model goes straight to the turn.
    model: { name: 'gemini-2.5-flash' },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
  };
}

export type ClientRun = {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** The client's process group (it led it). */
  readonly pgid: number;
};

/**
 * Runs one client command to its end in its own process group, stdin closed (`codex exec` reads
 * a piped stdin as more prompt); after `boundMs` it ends the group and throws with the output.
 */
export async function runClient(agents: ReturnType<typeof agentProcesses>, command: AgentCommand, cwd: string, boundMs: number): Promise<ClientRun> {
  const started = Date.now();
  const proc = agents.spawn(command, cwd);
  proc.child.stdin.end();
  let stdout = '';
  proc.child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([proc.exited, new Promise<'bound'>((resolve) => (timer = setTimeout(() => resolve('bound'), boundMs)))]);
  clearTimeout(timer);
  if (outcome === 'bound') {
    await proc.stop();
    throw new Error(`${command.command} ${command.args.join(' ')} did not end within ${boundMs} ms:\n${stdout}\n${proc.stderr()}`);
  }
  return { ...outcome, stdout, stderr: proc.stderr(), ms: Date.now() - started, pgid: proc.pid };
}

/**
 * The processes a client left behind: members of its group, and anything that kept a HOME under
 * `home` (the MCP servers it started, wherever their group is). Waits up to `boundMs` for them to
 * end by themselves (a server finishing its shutdown after its client left) and returns the pids
 * of those still alive; empty when the client left nothing.
 */
export async function leftBehind(run: ClientRun, home: string, boundMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + boundMs;
  const alive = () => [...new Set([...livingGroupMembers(run.pgid), ...livingWithHomeUnder(home)])];
  while (alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  return alive();
}

/**
 * One real client's e2e file: the built CLI and a loopback model server (made only when the
 * client is installed), the client's processes ended after each test, and the run directories
 * removed at the end. `describeInstalled` runs the tests when it is installed; else, in CI
 * (which installs every client, .ci/run) a missing one fails, and elsewhere it is skipped with
 * the reason.
 */
export function mcpClientSuite(client: McpClient) {
  const found = findMcpClient(client);
  let cli: Awaited<ReturnType<typeof buildCli>> | undefined;
  let model: LoopbackModelServer | undefined;
  const agents = agentProcesses();
  const roots: string[] = [];
  beforeAll(async () => {
    if (!found.ok) return;
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
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`${client} suite used before it was set up`);
    return value;
  };
  return {
    found,
    agents,
    get cli() {
      return ready(cli);
    },
    get model() {
      return ready(model);
    },
    /** A fresh run directory whose store holds `agent` and `friend`, peers. */
    async peeredRun(): Promise<ClientRunDirs> {
      const dirs = await clientRunDirs(ready(cli), client);
      roots.push(dirs.root);
      for (const args of [['create', 'agent'], ['create', 'friend'], ['peer', 'agent', 'friend']]) expect((await ready(cli).pods(dirs.podsHome, ...args)).code).toBe(0);
      return dirs;
    },
    /** What the pods tools answered, as the model was shown it on its last request. */
    toolOutputs: (): string[] => ready(model).turns().at(-1)?.items.flatMap((i) => (i.kind === 'tool_result' ? [i.output] : [])) ?? [],
    async podsLeases(podsHome: string): Promise<{ name: string; hostId?: string }[]> {
      return JSON.parse((await ready(cli).pods(podsHome, 'ls', '--json')).stdout) as { name: string; hostId?: string }[];
    },
    describeInstalled(title: string, tests: () => void): void {
      if (found.ok) describe(title, tests);
      else if (process.env['CI']) it(`${client} is installed`, () => expect.fail(found.reason));
      else {
        console.warn(`skipping ${title}: ${found.reason}`);
        it.skip(`${title}: ${found.reason}`, () => undefined);
      }
    },
  };
}
