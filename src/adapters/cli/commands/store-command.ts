import { resolve } from 'node:path';
import { displayValue } from '../../../domain/display.js';
import { err, ok } from '../../../domain/result.js';
import { printable } from '../../presentation/printable.js';
import { renderTable } from '../../presentation/render-table.js';
import type { TextOutput } from '../../presentation/text-output.js';
import { EXIT } from '../../process-io.js';
import type { CliCommand, ControlRun, StoreServerStatus } from '../cli-command.js';
import { flag } from '../command-args.js';

const ACTIONS = ['status', 'start', 'stop', 'rm', 'import-pglite'] as const;

export const storeCommand: CliCommand = {
  name: 'store',
  usage: 'store status|start|stop|rm|import-pglite DIR',
  summary: 'the local store server: its state, start, stop, remove, import an old store',
  details:
    'The default store is a PostgreSQL server that pods runs under $PODS_HOME, reachable only\n' +
    'through a Unix socket there. The first pods command that needs it creates it and starts\n' +
    'the server; every later command, TUI and host connects to the same one. It keeps running\n' +
    'after they exit (a few tens of MB), until `pods store stop` or a reboot; the next pods\n' +
    'command starts it again. pods connects to it as the role `pods`, which owns the store\'s\n' +
    'database and is no superuser; only the server\'s own OS user may act as its superuser.\n\n' +
    '  status          running or not, pid, socket, data directory (marked when root keeps it\n' +
    '                  outside $PODS_HOME) and size, version, connections, and the system user\n' +
    '                  it runs as under root (--json: an object)\n' +
    '  start           start it now (nothing happens if it runs)\n' +
    '  stop            stop it; connected TUIs and hosts lose the store until it is back\n' +
    '  rm              remove the store: its data (also where root keeps it outside\n' +
    '                  $PODS_HOME), log and socket directory; refused while the server runs\n' +
    '                  and for a home that belongs to another user\n' +
    '  import-pglite DIR  copy the Pods, relations and histories of a PGlite store made by an\n' +
    '                  earlier pods (default location: $PODS_HOME/store) into this one, in one\n' +
    '                  transaction; refused if a Pod of the same name exists here\n\n' +
    'Only for the managed store: with --db or PODS_DATABASE_URL set, it is refused.\n\n' +
    'Exit codes: 0 done; 2 usage error, another store selected, or the server failed.',
  options: { json: { type: 'boolean' } },
  optionHelp: [['--json', 'status: print a JSON object']],
  parse(args) {
    const [action, ...rest] = args.positionals;
    if (action === undefined) return err(`expected an action: ${ACTIONS.join(', ')}`);
    if (!(ACTIONS as readonly string[]).includes(action)) return err(`unknown action \`${displayValue(action)}\`; expected ${ACTIONS.join(', ')}`);
    if (action === 'import-pglite' ? rest.length !== 1 : rest.length !== 0) {
      return err(action === 'import-pglite' ? 'import-pglite takes one argument, the PGlite store directory' : `${action} takes no arguments`);
    }
    const json = flag(args, 'json');
    if (json && action !== 'status') return err('--json is only for `store status`');
    return ok(controlRun(action as (typeof ACTIONS)[number], rest[0] ?? '', json, args.cwd));
  },
};

function controlRun(action: (typeof ACTIONS)[number], dir: string, json: boolean, cwd: string): ControlRun {
  return {
    control: async ({ control, out }) => {
      switch (action) {
        case 'status': {
          const status = await control.status();
          if (json) out.json(status);
          else printStatus(out, status, control.home);
          return EXIT.ok;
        }
        case 'start': {
          const { started, pid } = await control.start();
          out.line(started ? `started the store server (pid ${pid ?? '?'})` : `the store server already runs (pid ${pid ?? '?'})`);
          return EXIT.ok;
        }
        case 'stop': {
          const outcome = await control.stop();
          if (!outcome.stopped) out.line('the store server is not running; nothing to stop');
          else out.line(`stopped the store server (pid ${outcome.pid}); ${outcome.connections} connection(s) were closed`);
          return EXIT.ok;
        }
        case 'rm': {
          const { removed } = await control.remove();
          out.line(removed.length === 0 ? `there is no store under ${printable(control.home)}; nothing to remove` : `removed the store under ${printable(control.home)}: ${removed.map(printable).join(', ')}`);
          return EXIT.ok;
        }
        case 'import-pglite': {
          const from = resolve(cwd, dir);
          const copied = await control.importPglite(from);
          out.line(
            `imported ${copied.pods} Pod(s), ${copied.relations} peer relation(s), ${copied.children} child edge(s), ` +
              `${copied.entries} history entries and ${copied.audits} audit record(s) from ${printable(from)}`,
          );
          return EXIT.ok;
        }
      }
    },
  };
}

function printStatus(out: TextOutput, s: StoreServerStatus, home: string): void {
  const state = !s.initialized
    ? 'not created yet (the first pods command that needs the store creates it)'
    : s.running
      ? `running, pid ${s.pid}${s.startedAt ? `, since ${s.startedAt.toISOString()}` : ''}`
      : 'stopped (any pods command, or `pods store start`, starts it)';
  const rows: [string, string][] = [
    ['server', state],
    ['home', home],
    ['socket', `${s.socketDir} (Unix socket only, no TCP port)`],
    ['data', `${s.dataDir} (${megabytes(s.sizeBytes)}${s.outsideHome ? '; outside PODS_HOME, which the service user cannot reach; `pods store rm` removes it' : ''})`],
    ['log', s.logFile],
  ];
  if (s.version) rows.push(['version', `PostgreSQL ${s.version}`]);
  if (s.connections !== undefined) rows.push(['connections', String(s.connections)]);
  if (s.user) rows.push(['runs as', `${s.user} (PostgreSQL refuses to run as root)`]);
  for (const line of renderTable(rows.map(([k, v]) => [`${k}:`, printable(v)]))) out.line(line);
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
