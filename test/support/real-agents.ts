import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentCommand } from './agent-process.js';

export type RealAgent = 'claude' | 'codex' | 'opencode';
export const REAL_AGENTS: readonly RealAgent[] = ['claude', 'codex', 'opencode'];

/** The pinned packages `tools/agents/install-agents.sh` installs; keep the two in step. */
export const AGENT_PACKAGES: Readonly<Record<RealAgent, { readonly pkg: string; readonly version: string; readonly bin: string }>> = {
  claude: { pkg: '@zed-industries/claude-agent-acp', version: '0.23.1', bin: 'claude-agent-acp' },
  codex: { pkg: '@zed-industries/codex-acp', version: '0.16.0', bin: 'codex-acp' },
  opencode: { pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
};

/**
 * How to run one agent so that it talks only to the loopback model server and keeps all its
 * state in `stateDir`: the shape of a `pods profile add NAME --acp --env K=V… --pass-env K… --
 * COMMAND ARGS…` line, plus the files the profile's state directory must hold.
 */
export type AgentRecipe = {
  readonly agent: RealAgent;
  readonly command: string;
  readonly args: readonly string[];
  /** Set for the agent; every other variable is withheld unless named in `passEnv`. */
  readonly env: Readonly<Record<string, string>>;
  /** Taken from the host's environment when present. */
  readonly passEnv: readonly string[];
  /** Files (path → content) written into the state directory before the agent starts. */
  readonly files: Readonly<Record<string, string>>;
};

/** Where the installed agents live: `PODS_AGENTS_DIR`, or the install script's default. */
export function agentsDir(): string {
  return process.env['PODS_AGENTS_DIR'] || join(homedir(), '.cache', 'pods-agents');
}

/**
 * A fresh directory for one test's agent state and project, outside the temporary directory:
 * Codex creates the helper its sandbox runs commands through (`codex-linux-sandbox`, beside its
 * CODEX_HOME) only when CODEX_HOME is not under TMPDIR or /tmp; there, every sandboxed command
 * fails with "bwrap: execvp codex-linux-sandbox: No such file or directory".
 */
export function agentRunDir(agent: string): string {
  const base = process.env['PODS_AGENT_RUNS_DIR'] || join(homedir(), '.cache', 'pods-agent-runs');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${agent}-`));
}

/** The agent's command when it is installed, or the one-line reason it is not. */
export function findAgent(agent: RealAgent): { readonly ok: true; readonly command: string } | { readonly ok: false; readonly reason: string } {
  const { pkg, version, bin } = AGENT_PACKAGES[agent];
  const command = join(agentsDir(), 'node_modules', '.bin', bin);
  if (existsSync(command)) return { ok: true, command };
  return { ok: false, reason: `${pkg}@${version} is not installed in ${agentsDir()} (run tools/agents/install-agents.sh)` };
}

/** What every agent needs from the host to run its tools at all. */
const PASS_ENV = ['PATH', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'TZ'];
const DUMMY_KEY = 'loopback-not-a-real-key';

function homeEnv(stateDir: string): Record<string, string> {
  return {
    HOME: stateDir,
    XDG_CONFIG_HOME: join(stateDir, '.config'),
    XDG_DATA_HOME: join(stateDir, '.local', 'share'),
    XDG_STATE_HOME: join(stateDir, '.local', 'state'),
    XDG_CACHE_HOME: join(stateDir, '.cache'),
  };
}

/** The recipe for `agent` with its state in `stateDir`, against the model server at `modelUrl` (no `/v1`). */
export function agentRecipe(agent: RealAgent, stateDir: string, modelUrl: string, command = findAgent(agent)): AgentRecipe {
  if (!command.ok) throw new Error(command.reason);
  switch (agent) {
    case 'claude':
      return {
        agent, command: command.command, args: [], passEnv: PASS_ENV, files: {},
        env: {
          ...homeEnv(stateDir),
          ANTHROPIC_BASE_URL: modelUrl,
          ANTHROPIC_API_KEY: DUMMY_KEY,
          CLAUDE_CONFIG_DIR: join(stateDir, '.claude'),
          // No update checks, telemetry, error reports or other calls home; the model calls go to ANTHROPIC_BASE_URL.
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
        },
      };
    case 'codex':
      return {
        agent, command: command.command, args: [], passEnv: PASS_ENV,
        env: { ...homeEnv(stateDir), CODEX_HOME: join(stateDir, '.codex'), LOOPBACK_API_KEY: DUMMY_KEY },
        files: { '.codex/config.toml': codexConfig(modelUrl) },
      };
    case 'opencode':
      return {
        agent, command: command.command, args: ['acp'], passEnv: PASS_ENV,
        env: {
          ...homeEnv(stateDir),
          OPENCODE_CONFIG: join(stateDir, 'opencode.json'),
          OPENCODE_DISABLE_AUTOUPDATE: '1',
          OPENCODE_DISABLE_MODELS_FETCH: '1',
          OPENCODE_DISABLE_SHARE: '1',
          OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
          OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
          OPENCODE_DISABLE_CLAUDE_CODE: '1',
          OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
        },
        files: {
          'opencode.json': JSON.stringify(opencodeConfig(modelUrl), null, 2),
          // opencode installs `@opencode-ai/plugin` from the npm registry into each config directory at
          // start, unless that directory already has node_modules and a lock file naming what package.json names.
          '.config/opencode/package.json': JSON.stringify({ dependencies: { '@opencode-ai/plugin': AGENT_PACKAGES.opencode.version } }),
          '.config/opencode/package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: { '@opencode-ai/plugin': AGENT_PACKAGES.opencode.version } } } }),
          '.config/opencode/node_modules/.keep': '',
        },
      };
  }
}

/**
 * Codex 0.137 (in codex-acp 0.16.0): a custom Responses provider on loopback, nothing else enabled that calls out.
 * `sandbox`: Codex's own sandbox. Inside pods' sandbox it cannot start when pods runs as root (its nested
 * bwrap fails: "setting up uid map: Operation not permitted", so every command fails), and pods confines it
 * anyway: there `danger-full-access`.
 */
export function codexConfig(modelUrl: string, sandbox: 'workspace-write' | 'danger-full-access' = 'workspace-write'): string {
  return [
    // A model Codex knows, so it offers its own tools (apply_patch) without a metadata warning; the name only goes to our server.
    'model = "gpt-5.4-mini"',
    'model_provider = "loopback"',
    // Codex's own defaults, as codex-acp's "Default" mode: it asks before leaving the workspace sandbox.
    'approval_policy = "on-request"',
    `sandbox_mode = "${sandbox}"`,
    'check_for_update_on_startup = false',
    '',
    ...codexLoopbackTables(modelUrl),
  ].join('\n');
}

/** The tables every Codex config here shares: the `loopback` provider (`model_provider = "loopback"`) at `modelUrl`, analytics and feedback off. */
export function codexLoopbackTables(modelUrl: string): string[] {
  return [
    '[model_providers.loopback]',
    'name = "loopback"',
    `base_url = "${modelUrl}/v1"`,
    'wire_api = "responses"',
    'env_key = "LOOPBACK_API_KEY"',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
  ];
}

export function opencodeConfig(modelUrl: string): Record<string, unknown> {
  return {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    enabled_providers: ['loopback'],
    model: 'loopback/scripted',
    small_model: 'loopback/scripted',
    // opencode asks nothing by default; asking makes every edit and command a permission request the client decides.
    permission: { edit: 'ask', bash: 'ask' },
    provider: {
      loopback: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Loopback',
        options: { baseURL: `${modelUrl}/v1`, apiKey: DUMMY_KEY },
        models: { scripted: { name: 'Scripted', tool_call: true, limit: { context: 200_000, output: 8_192 } } },
      },
    },
  };
}

/** Writes the recipe's files into `stateDir` and returns the command to spawn (env complete, host variables passed through). */
export function prepareAgent(recipe: AgentRecipe, stateDir: string): AgentCommand {
  mkdirSync(stateDir, { recursive: true });
  for (const [path, content] of Object.entries(recipe.files)) {
    const full = join(stateDir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  const passed: Record<string, string> = {};
  for (const name of recipe.passEnv) {
    const value = process.env[name];
    if (value !== undefined) passed[name] = value;
  }
  return { command: recipe.command, args: recipe.args, env: { ...passed, ...recipe.env } };
}
