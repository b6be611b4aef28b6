import { ok } from '../../../domain/result.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { positionalArgs } from '../command-args.js';

export const dashCommand: CliCommand = {
  name: 'dash',
  usage: 'dash',
  summary: 'the multi-Pod dashboard: every Pod live; open one and come back, send a line',
  details:
    'Every Pod in the store on one screen, kept current by the store\'s events (from every pods\n' +
    'process): children under their parent, peers (⇄), profile, where each runs, its status (idle,\n' +
    'running and for how long, stopped, errored), input its model has not seen, its last activity,\n' +
    'the ping-pong breaker, "unconfined" agents, and the last line a running Pod streams.\n\n' +
    'Keys: arrows or j/k select (PgUp/PgDn, g/G); Enter opens the Pod in the TUI (attached: it\n' +
    'runs in this process; or viewed, when another host runs it) and Ctrl+D there comes back;\n' +
    '`s` sends the selected Pod one line as your input; `/` filters by name; `?` lists the keys;\n' +
    '`q` or Ctrl+C quits, giving back the Pods it ran. Colours follow NO_COLOR. Needs a terminal.\n\n' +
    'Exit codes: 0 quit; 1 not a terminal; 2 usage or store error.',
  options: {},
  optionHelp: [],
  parse(args) {
    const arity = positionalArgs(args, []);
    if (!arity.ok) return arity;
    return ok(async ({ app, out, io }) => {
      if (io.stdin.isTTY !== true || io.stdout.isTTY !== true) return refuse(out, '`pods dash` needs a terminal; `pods ls` lists every Pod, `pods watch` follows their history');
      io.holdSignals?.();
      const { dashOnTerminal } = await import('../../tui/dash/dash-on-terminal.js');
      await dashOnTerminal({ app, io, out, cwd: args.cwd });
      return EXIT.ok;
    });
  },
};
