import type { CliCommand } from './cli-command.js';
import { DEFAULT_CONTEXT_BUDGET, DEFAULT_HOST_CONFIG } from '../../application/host/host-config.js';
import { DEFAULT_MODEL_TIMEOUT_MS } from '../model/model-config.js';
import { renderTable } from '../presentation/render-table.js';
import { DEFAULT_POOL_SIZE, MAX_POOL_SIZE } from '../persistence/postgres/connection/pool-size.js';

const GLOBAL_OPTION_HELP: readonly (readonly [string, string])[] = [
  ['--db URL', 'the store: `memory`, or a postgres:// URL (default: the local server pods runs under $PODS_HOME)'],
  ['-h, --help', 'show help'],
  ['--version', 'print the version'],
];

const { leaseTtlMs, storeOutageLimitMs, pollMs, stepLimit } = DEFAULT_HOST_CONFIG;

const ENVIRONMENT: readonly (readonly [string, string])[] = [
  ['PODS_DATABASE_URL', 'the store when --db is not given'],
  ['PODS_HOME', 'where the default store, the profiles, the agents\' state and the TUI\'s line history live (default: ~/.pods)'],
  ['PGPASSFILE', 'the passfile for a store URL without a password (default: ~/.pgpass)'],
  ['PODS_MODEL_URL', 'an OpenAI-compatible chat-completions server for the model (default: the built-in model)'],
  ['PODS_MODEL', 'the model to ask there (required with PODS_MODEL_URL)'],
  ['PODS_API_KEY', 'the key sent to that server (Authorization: Bearer)'],
  ['PODS_MODEL_TIMEOUT_MS', `how long one model request may take (default: ${DEFAULT_MODEL_TIMEOUT_MS})`],
  ['PODS_LEASE_TTL_MS', `how long a host's lease on a Pod lives unrenewed (default: ${leaseTtlMs}; at least 300)`],
  ['PODS_STORE_OUTAGE_MS', `how long a host keeps its Pods while the store is unreachable (default: ${storeOutageLimitMs})`],
  ['PODS_POLL_MS', `how often a host asks, in one read, whether its Pods' histories grew without a notice (default: ${pollMs})`],
  ['PODS_STEP_LIMIT', `model requests per turn before it is stopped (default: ${stepLimit})`],
  ['PODS_POOL_SIZE', `connections a process's pool holds for statements, besides the one a host listens on (default: ${DEFAULT_POOL_SIZE}; 1 to ${MAX_POOL_SIZE})`],
  ['PODS_CONTEXT_BUDGET', `the most of a Pod's history one model request holds, in characters; older entries leave it with a notice (default: ${DEFAULT_CONTEXT_BUDGET}; at least 1000)`],
  ['PODS_MCP_LIFELINE', 'set by `pods mcp` for the server process it guards (not for users: any other value is ignored)'],
  ['PODS_TEST_MAX_CONNECTIONS', 'for tests, not for users: the max_connections of a managed server this process starts (default: 500)'],
  ['VISUAL, EDITOR', 'the editor the TUI\'s :edit runs (default: vi)'],
  ['NO_COLOR', 'set and not empty: the TUI and `pods dash` write no colour (they never do to a pipe)'],
];

// Command lines are world-readable (`ps`, /proc/PID/cmdline); the environment and a 0600 file are not.
const PS_WARNING = [
  'A --db URL is visible to every local user in `ps`: give a password in',
  'PODS_DATABASE_URL or in a passfile (~/.pgpass, or the file PGPASSFILE names),',
  'never on the command line.',
];

const EXIT_CODES = [
  'Exit codes: 0 done; 1 refused, or the tool failed; 2 usage error, or the store',
  'could not be opened.',
];

/** `pods --help` fits a terminal of the default width; a command's own help may run wider. */
export const GLOBAL_HELP_WIDTH = 80;

export function renderGlobalHelp(commands: readonly CliCommand[]): string {
  const listed: readonly (readonly [string, string])[] = [...commands.map((c) => [c.shortUsage ?? c.usage, c.summary] as const), ['help [COMMAND]', 'show this help, or the help of COMMAND']];
  return [
    'pods: the control plane for agent Pods (operator commands)',
    '',
    'Usage: pods [--db URL] COMMAND [ARGS…]',
    '',
    'Commands:',
    // A usage is too long to share its line with a summary in 80 columns.
    ...listed.flatMap(([usage, summary]) => [`  ${usage}`, ...wrap(summary, GLOBAL_HELP_WIDTH - 6).map((line) => `      ${line}`)]),
    '',
    'Options:',
    ...wrappedTable(GLOBAL_OPTION_HELP),
    '',
    'Environment:',
    ...wrappedTable(ENVIRONMENT),
    '',
    ...PS_WARNING,
    '',
    ...EXIT_CODES,
  ].join('\n');
}

/** Two columns, indented by two; the second wraps under itself to keep within GLOBAL_HELP_WIDTH. */
function wrappedTable(rows: readonly (readonly [string, string])[]): readonly string[] {
  const first = Math.max(...rows.map(([name]) => name.length));
  const pad = ' '.repeat(2 + first + 2);
  return rows.flatMap(([name, text]) => wrap(text, GLOBAL_HELP_WIDTH - pad.length).map((line, i) => (i === 0 ? `  ${name.padEnd(first)}  ${line}` : `${pad}${line}`)));
}

/** Greedy, at spaces; a word longer than `width` keeps a line of its own. */
function wrap(text: string, width: number): readonly string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

export function renderCommandHelp(command: CliCommand): string {
  return [
    `Usage: pods [--db URL] ${command.usage}`,
    '',
    command.summary.charAt(0).toUpperCase() + command.summary.slice(1) + '.',
    '',
    command.details,
    '',
    'Options:',
    ...indent(renderTable([...(command.optionHelp ?? []), ...GLOBAL_OPTION_HELP])),
    '',
    'Environment:',
    ...indent(renderTable(ENVIRONMENT.slice(0, 2))),
    '  (`pods --help` lists every variable)',
    '',
    ...PS_WARNING,
  ].join('\n');
}

const indent = (lines: readonly string[]): readonly string[] => lines.map((line) => `  ${line}`);
