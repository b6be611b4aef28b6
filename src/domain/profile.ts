import { AbsolutePath } from './absolute-path.js';
import { displayValue } from './display.js';
import { DEFAULT_PROFILE_NAME, ProfileName } from './profile-name.js';
import { err, ok, type Result } from './result.js';

/** `bwrap`: the agent process is confined to the Pod's scope (the default); `none`: it runs unconfined, and every view says so. */
export type SandboxMode = 'bwrap' | 'none';

export type ModelProfile = { readonly name: ProfileName; readonly driver: 'model' };

export type AcpProfile = {
  readonly name: ProfileName;
  readonly driver: 'acp';
  readonly command: string;
  readonly args: readonly string[];
  /** Set in the agent's environment as given (values may be secrets: shown masked). */
  readonly env: Readonly<Record<string, string>>;
  /** Names of the host's environment variables handed to the agent (e.g. `ANTHROPIC_API_KEY`). */
  readonly passEnv: readonly string[];
  readonly idleMs: number;
  readonly sandbox: SandboxMode;
  readonly readOnly: readonly AbsolutePath[];
  /** Copied into each Pod's agent home before its agent starts (e.g. `.codex/config.toml`). */
  readonly homeFiles: Readonly<Record<string, AbsolutePath>>;
};

export type Profile = ModelProfile | AcpProfile;

export const DEFAULT_PROFILE: ModelProfile = Object.freeze({ name: DEFAULT_PROFILE_NAME, driver: 'model' });
export const DEFAULT_IDLE_MS = 10 * 60_000;

/** `inherit`: SpawnPod's word for "the caller's own profile"; never the name of one. */
export const INHERIT = 'inherit';

export type AcpProfileInput = {
  readonly name: string;
  readonly command: unknown;
  readonly args?: unknown;
  readonly env?: unknown;
  readonly passEnv?: unknown;
  readonly idleMs?: unknown;
  readonly sandbox?: unknown;
  readonly readOnly?: unknown;
  readonly homeFiles?: unknown;
};

export type InvalidProfile = { readonly type: 'InvalidProfile'; readonly name: string; readonly problem: string };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HOME_PATH = /^[A-Za-z0-9._-][A-Za-z0-9._/-]{0,254}$/;
const isStringList = (value: unknown): value is readonly string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const hasNul = (value: string): boolean => value.includes('\0');

export function parseAcpProfile(input: AcpProfileInput): Result<AcpProfile, InvalidProfile> {
  const fail = (problem: string) => err<InvalidProfile>({ type: 'InvalidProfile', name: input.name, problem });
  const name = ProfileName.parse(input.name);
  if (!name.ok) return fail(ProfileName.describe(name.error));
  if (name.value === DEFAULT_PROFILE_NAME || name.value === INHERIT) return fail(`\`${name.value}\` is reserved`);
  const { command, args = [], env = {}, passEnv = [], idleMs = DEFAULT_IDLE_MS, sandbox = 'bwrap', readOnly = [], homeFiles = {} } = input;
  if (typeof command !== 'string' || command.trim() === '' || hasNul(command)) return fail('the command must be a non-empty string');
  if (!isStringList(args) || args.some(hasNul)) return fail('args must be a list of strings');
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return fail('env must be an object of names to strings');
  const envEntries = Object.entries(env as Record<string, unknown>);
  for (const [key, value] of envEntries) {
    if (!ENV_NAME.test(key)) return fail(`environment variable name ${displayValue(key)} is not valid`);
    if (typeof value !== 'string' || hasNul(value)) return fail(`environment variable ${key} must be a string`);
  }
  if (!isStringList(passEnv)) return fail('passEnv must be a list of variable names');
  const badPass = passEnv.find((n) => !ENV_NAME.test(n));
  if (badPass !== undefined) return fail(`environment variable name ${displayValue(badPass)} is not valid`);
  if (typeof idleMs !== 'number' || !Number.isInteger(idleMs) || idleMs < 1_000 || idleMs > 7 * 24 * 3_600_000) {
    return fail('the idle time must be a whole number of milliseconds from 1000 to 604800000 (a week)');
  }
  if (sandbox !== 'bwrap' && sandbox !== 'none') return fail(`sandbox must be \`bwrap\` or \`none\`, not ${displayValue(String(sandbox))}`);
  if (!isStringList(readOnly)) return fail('readOnly must be a list of absolute paths');
  const paths: AbsolutePath[] = [];
  for (const raw of readOnly) {
    const path = AbsolutePath.parse(raw);
    if (!path.ok) return fail(`read-only path: ${AbsolutePath.describe(path.error)}`);
    paths.push(path.value);
  }
  if (typeof homeFiles !== 'object' || homeFiles === null || Array.isArray(homeFiles)) return fail('homeFiles must be an object of home paths to absolute source paths');
  const files: Record<string, AbsolutePath> = {};
  for (const [target, source] of Object.entries(homeFiles as Record<string, unknown>)) {
    if (!HOME_PATH.test(target) || target.split('/').some((s) => s === '.' || s === '..')) {
      return fail(`home file ${displayValue(target)}: must be a relative path inside the agent's home, without . or .. segments`);
    }
    const from = typeof source === 'string' ? AbsolutePath.parse(source) : undefined;
    if (!from?.ok) return fail(`home file ${displayValue(target)}: its source must be an absolute path`);
    files[target] = from.value;
  }
  return ok({
    name: name.value, driver: 'acp', command, args: [...args],
    env: Object.fromEntries(envEntries as [string, string][]), passEnv: [...passEnv], idleMs, sandbox, readOnly: paths, homeFiles: files,
  });
}

export function describeInvalidProfile(error: InvalidProfile): string {
  return `profile ${displayValue(error.name)}: ${error.problem}`;
}
