import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import type { CliCommand } from '../cli-command.js';
import { flag, positionalArgs } from '../command-args.js';
import { podToRun } from '../pod-to-run.js';

const DEFAULT_POD = 'main';

export const tuiCommand: CliCommand = {
  name: 'tui',
  usage: 'tui [--pod NAME [--create]]',
  summary: 'the operator\'s TUI, attached to a Pod (also plain `pods`)',
  details:
    'Attaches to Pod NAME and runs it in this process. Without --pod it is `main`, created with\n' +
    'write access to the current directory the first time. A Pod named with --pod must exist, so\n' +
    'a typo creates nothing: on a terminal the TUI asks "pod `NAME` does not exist; create it? (y/N)"\n' +
    '(only `y` creates it); from a pipe it refuses unless --create is given. With --create it is\n' +
    'created the same way, without a question. A Pod created here is held by this TUI from the\n' +
    'start, so a running `pods serve` cannot take it first.\n\n' +
    // The TUI's command table is not imported here (it would load the use cases for every
    // command's start); test/tui/tui-help.test.ts checks this list against it.
    'Plain input is a message to the Pod; its committed history streams back. `:` starts a\n' +
    'command: `:help` lists them (`:peer`, `:unpeer`, `:pods`, `:dash`, `:restore`, `:attach`, `:new`,\n' +
    '`:tool`, `:history`, `:older`, `:explain`, `:edit`, `:quit`). Up and Ctrl+R recall lines typed\n' +
    'in earlier runs (kept in $PODS_HOME/tui-history). A Pod another host runs is viewed, and taken\n' +
    'over here when that host leaves.\n\n' +
    'From a pipe it reads line by line with the same commands, waits for the turn each line\n' +
    'starts, and quits at the end of input once the work has settled; diagnostics go to stderr.\n\n' +
    'Exit codes: 0 quit (from a pipe: every line was accepted); 1 from a pipe, a line was refused,\n' +
    'the Pod named with --pod does not exist (without --create, and not created at the question),\n' +
    'or the Pod could not be attached; 2 usage or store error.',
  options: { pod: { type: 'string' }, create: { type: 'boolean' } },
  optionHelp: [
    ['--pod NAME', `attach to NAME, which must exist (on a terminal: or you answer y) (default ${DEFAULT_POD}, created if absent)`],
    ['--create', 'create NAME with write access to the current directory if absent, without asking'],
  ],
  parse(args) {
    const arity = positionalArgs(args, []);
    if (!arity.ok) return arity;
    const raw = args.values['pod'];
    const named = typeof raw === 'string';
    const pod = podNameArg(named ? raw : DEFAULT_POD);
    if (!pod.ok) return pod;
    // Like `pods mcp`: a Pod named on the command line must exist unless --create says otherwise.
    const create = !named || flag(args, 'create');
    const rule = ScopeRule.parseShorthand(`write:${args.cwd}`);
    if (!rule.ok) return err(`cannot grant the current directory: ${ScopeRule.describeError(rule.error)}`);
    return ok(async ({ app, out, io }) => {
      const name = pod.value;
      io.holdSignals?.();
      const terminal = io.stdin.isTTY === true && io.stdout.isTTY === true;
      // Only a terminal can answer; a pipe gets the refusal, as `pods mcp` does.
      const ask = terminal && !create ? { rule: rule.value, question: (await import('../../tui/ask-on-terminal.js')).askOnTerminal(io.stdin, io.stdout) } : undefined;
      const refused = await podToRun(app, out, { name, create: create ? rule.value : undefined, hold: 'model', announce: (line) => out.line(`· ${line}`), ...(ask ? { ask } : {}) });
      if (refused !== undefined) return refused;
      const { runTui } = await import('../../tui/run-tui.js');
      return runTui({ app, io, pod: name, cwd: args.cwd, out });
    });
  },
};
