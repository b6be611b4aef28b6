import { displayValue } from '../../../domain/display.js';
import { describeInvalidProfile, parseAcpProfile, type Profile } from '../../../domain/profile.js';
import { ProfileName } from '../../../domain/profile-name.js';
import { err, ok, type Result } from '../../../domain/result.js';
import { withoutUrlPasswords } from '../../../domain/secret-mask.js';
import { flag } from '../command-args.js';
import { wholeNumber } from '../../presentation/argument-readers.js';
import { refuse, type CliCommand, type CommandArgs, type ProfileRun } from '../cli-command.js';
import { EXIT } from '../../process-io.js';
import type { TextOutput } from '../../presentation/text-output.js';
import { printable } from '../../presentation/printable.js';
import { renderTable } from '../../presentation/render-table.js';
import { describeCommand, describeProfile, maskedEnv } from '../render-profile.js';

const ACTIONS = ['add', 'ls', 'show', 'rm'] as const;
const ADD_EXAMPLE = 'pods profile add claude --acp -- npx @zed-industries/claude-agent-acp';

export const profileCommand: CliCommand = {
  name: 'profile',
  usage: 'profile add NAME --acp [--env K=V]… [--pass-env K]… [--idle-ms N] [--sandbox bwrap|none] [--read-only /abs]… [--home-file PATH=/abs]… -- COMMAND [ARGS…] | ls [--json] | show NAME | rm NAME',
  shortUsage: 'profile add|ls|show|rm …',
  summary: 'how Pods run: the profiles of this host (coding agents over ACP)',
  details:
    'A profile says how a Pod runs. `default` is the host\'s model (the built-in one, or PODS_MODEL_URL).\n' +
    'An `--acp` profile is a coding agent (Claude Code, Codex, Gemini CLI, opencode…) that the host\n' +
    'starts for each Pod that uses it and drives over the Agent Client Protocol, with pods\' own Pod\n' +
    'tools added to its session and its file access bounded by the Pod\'s scope. Profiles live in\n' +
    '$PODS_HOME/profiles.json (mode 0600): they are this machine\'s configuration, not store data.\n' +
    'A Pod records its profile\'s name; a host without that profile does not run it.\n\n' +
    '  add NAME --acp … -- COMMAND [ARGS…]   add a profile (everything after -- is the command line)\n' +
    '  ls [--json]                        list the profiles (--json: an array; env values masked)\n' +
    '  show NAME                          one profile, env values that look secret masked\n' +
    '  rm NAME                            remove a profile (Pods that use it stop being run here)\n\n' +
    'Keys belong in --pass-env (the variable is read from the host\'s environment when the agent starts)\n' +
    'rather than --env (stored in the file). The agent gets no other variable of the host\'s.\n\n' +
    'Exit codes: 0 done; 1 a profile of that name exists / does not exist; 2 usage error or a bad profiles file.',
  options: {
    acp: { type: 'boolean' },
    env: { type: 'string', multiple: true },
    'pass-env': { type: 'string', multiple: true },
    'idle-ms': { type: 'string' },
    sandbox: { type: 'string' },
    'read-only': { type: 'string', multiple: true },
    'home-file': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  optionHelp: [
    ['--acp', 'add: the profile drives an ACP agent (the only kind you can add)'],
    ['--env K=V', 'add: set K in the agent\'s environment (repeatable; stored in the profiles file)'],
    ['--pass-env K', 'add: hand the host\'s K to the agent (repeatable), e.g. ANTHROPIC_API_KEY'],
    ['--idle-ms N', 'add: park the agent (end its process) after N ms without a turn (default 600000)'],
    ['--sandbox bwrap|none', 'add: confine the agent to the Pod\'s scope with bubblewrap (default), or run it unconfined'],
    ['--read-only /abs', 'add: a path the confined agent may read besides its scope (repeatable)'],
    ['--home-file PATH=/abs', 'add: copy /abs to PATH in each Pod\'s agent home before it starts, e.g. .codex/config.toml (repeatable)'],
    ['--json', 'ls: print a JSON array'],
  ],
  parse(args) {
    const [action, ...rest] = args.positionals;
    if (action === undefined) return err(`expected an action: ${ACTIONS.join(', ')}`);
    if (!(ACTIONS as readonly string[]).includes(action)) return err(`unknown action \`${displayValue(action)}\`; expected ${ACTIONS.join(', ')}`);
    const json = flag(args, 'json');
    if (json && action !== 'ls') return err('--json is only for `profile ls`');
    switch (action as (typeof ACTIONS)[number]) {
      case 'add':
        return addRun(args, rest);
      case 'ls':
        return rest.length === 0 ? ok(profileRun(async (profiles, out) => listRun(await profiles.list(), out, json))) : err('ls takes no arguments');
      case 'show':
      case 'rm': {
        if (rest.length !== 1) return err(`${action} takes one argument, the profile name`);
        const name = ProfileName.parse(rest[0]!);
        if (!name.ok) return err(ProfileName.describe(name.error));
        return ok(profileRun(action === 'show' ? showRun(name.value) : removeRun(name.value)));
      }
    }
  },
};

const profileRun = (run: ProfileRun['profiles']): ProfileRun => ({ profiles: run });

function addRun(args: CommandArgs, rest: readonly string[]): Result<ProfileRun, string> {
  if (!flag(args, 'acp')) return err('add needs --acp: the only profiles you add are ACP agents (`default` is the host\'s model)');
  // The name is the one word before `--`; the agent's command line is every word after it.
  const commandLine = args.afterDoubleDash ?? [];
  const before = rest.slice(0, rest.length - commandLine.length);
  if (before.length === 0) return err(`add needs the profile name before --, e.g. \`${ADD_EXAMPLE}\``);
  if (before.length > 1) {
    const words = before.map((w) => displayValue(w)).join(' ');
    return err(args.afterDoubleDash
      ? `add takes one profile name before --, got \`${words}\``
      : `add takes one profile name, got \`${words}\`; the agent's command line goes after --, e.g. \`${ADD_EXAMPLE}\``);
  }
  const [name = '', command, ...commandArgs] = [...before, ...commandLine];
  if (command === undefined) return err('add needs the agent\'s command line after --, e.g. `-- npx @zed-industries/claude-agent-acp`');
  const env: Record<string, string> = {};
  for (const raw of list(args, 'env')) {
    const eq = raw.indexOf('=');
    if (eq <= 0) return err(`--env ${displayValue(raw)}: expected K=V`);
    env[raw.slice(0, eq)] = raw.slice(eq + 1);
  }
  const homeFiles: Record<string, string> = {};
  for (const raw of list(args, 'home-file')) {
    const eq = raw.indexOf('=');
    if (eq <= 0) return err(`--home-file ${displayValue(raw)}: expected PATH=/abs/source`);
    homeFiles[raw.slice(0, eq)] = raw.slice(eq + 1);
  }
  const idle = typeof args.values['idle-ms'] === 'string' ? wholeNumber('--idle-ms', args.values['idle-ms'], 1_000) : ok(undefined);
  if (!idle.ok) return idle;
  const sandbox = args.values['sandbox'];
  const profile = parseAcpProfile({
    name, command, args: commandArgs, env, passEnv: list(args, 'pass-env'), readOnly: list(args, 'read-only'), homeFiles,
    ...(idle.value !== undefined ? { idleMs: idle.value } : {}), ...(typeof sandbox === 'string' ? { sandbox } : {}),
  });
  if (!profile.ok) return err(describeInvalidProfile(profile.error));
  const added = profile.value;
  return ok(profileRun(async (profiles, out) => {
    if ((await profiles.add(added)) === 'exists') return refuse(out, `a profile named \`${added.name}\` exists; \`pods profile rm ${added.name}\` first to replace it`);
    out.line(`added profile \`${added.name}\`: ${describeCommand(added)}${added.sandbox === 'none' ? ' (unconfined)' : ''}`);
    return EXIT.ok;
  }));
}

function showRun(name: ProfileName): ProfileRun['profiles'] {
  return async (profiles, out) => {
    const profile = (await profiles.list()).find((p) => p.name === name);
    if (!profile) return refuse(out, `no profile named \`${name}\`; \`pods profile ls\` lists them`);
    for (const line of describeProfile(profile)) out.line(line);
    return EXIT.ok;
  };
}

function removeRun(name: ProfileName): ProfileRun['profiles'] {
  return async (profiles, out) => {
    if (name === 'default') return refuse(out, '`default` is the host\'s model and cannot be removed');
    if ((await profiles.remove(name)) === 'missing') return refuse(out, `no profile named \`${name}\``);
    out.line(`removed profile \`${name}\``);
    return EXIT.ok;
  };
}

async function listRun(profiles: readonly Profile[], out: TextOutput, json: boolean): Promise<0> {
  if (json) {
    out.json(profiles.map((p) => (p.driver === 'model' ? p : { ...p, env: maskedEnv(p), command: withoutUrlPasswords(p.command), args: p.args.map(withoutUrlPasswords) })));
    return EXIT.ok;
  }
  const rows = profiles.map((p) => (p.driver === 'model'
    ? [p.name, 'model', '-', 'the host\'s model (PODS_MODEL_URL, or the built-in one)']
    : [p.name, 'acp', p.sandbox === 'none' ? 'none (unconfined)' : p.sandbox, printable(describeCommand(p))]));
  for (const line of renderTable([['NAME', 'DRIVER', 'SANDBOX', 'RUNS'], ...rows])) out.line(line);
  return EXIT.ok;
}

function list(args: CommandArgs, name: string): string[] {
  const raw = args.values[name];
  return Array.isArray(raw) ? raw.map(String) : [];
}
