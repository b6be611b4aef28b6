import type { CliCommand } from './cli-command.js';
import { renderTable } from './render-table.js';

const GLOBAL_OPTION_HELP: readonly (readonly [string, string])[] = [
  ['--db URL', 'the store: `memory`, or a postgres:// URL (default: the local server pods runs under $PODS_HOME)'],
  ['-h, --help', 'show help'],
];

const ENVIRONMENT = [
  'Environment:',
  '  PODS_DATABASE_URL   the store when --db is not given',
  '  PODS_HOME           where the default store lives (default: ~/.pods)',
  '',
  // Command lines are world-readable (`ps`, /proc/PID/cmdline); the environment and a 0600 file are not.
  'A --db URL is visible to every local user in `ps`: give a password in PODS_DATABASE_URL',
  'or in a passfile (~/.pgpass, or the file PGPASSFILE names), never on the command line.',
];

const FOOTER = [...ENVIRONMENT, '', 'Exit codes: 0 done; 1 refused, or the tool failed; 2 usage error, or the store could not be opened.'];

export function renderGlobalHelp(commands: readonly CliCommand[]): string {
  return [
    'pods: the control plane for agent Pods (operator commands)',
    '',
    'Usage: pods [--db URL] COMMAND [ARGS…]',
    '',
    'Commands:',
    ...indent(renderTable([...commands.map((c) => [c.usage, c.summary]), ['help [COMMAND]', 'show this help, or the help of COMMAND']])),
    '',
    'Options:',
    ...indent(renderTable(GLOBAL_OPTION_HELP)),
    '',
    ...FOOTER,
  ].join('\n');
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
    ...ENVIRONMENT,
  ].join('\n');
}

const indent = (lines: readonly string[]): readonly string[] => lines.map((line) => `  ${line}`);
