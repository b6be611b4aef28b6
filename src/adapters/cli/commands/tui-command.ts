import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg, positionalArgs } from '../argument-readers.js';
import type { CliCommand } from '../cli-command.js';
import { printable } from '../printable.js';

const DEFAULT_POD = 'main';

export const tuiCommand: CliCommand = {
  name: 'tui',
  usage: 'tui [--pod NAME]',
  summary: 'the operator\'s TUI, attached to a Pod (also plain `pods`)',
  details:
    'Attaches to Pod NAME (default `main`; created with write access to the current directory\n' +
    'if absent) and runs it in this process. Plain input is a message to it; its committed\n' +
    'history streams back. `:` starts a command: `:help` lists them (`:peer`, `:unpeer`, `:pods`,\n' +
    '`:restore`, `:attach`, `:new`, `:tool`, `:history`, `:explain`, `:quit`).\n\n' +
    'From a pipe it reads line by line with the same commands, waits for the turn each line\n' +
    'starts, and quits at the end of input once the work has settled; diagnostics go to stderr.\n\n' +
    'Exit codes: 0 quit (from a pipe: every line was accepted); 1 from a pipe, a line was refused,\n' +
    'or the Pod could not be attached; 2 usage or store error.',
  options: { pod: { type: 'string' } },
  optionHelp: [['--pod NAME', `attach to NAME (default ${DEFAULT_POD}, created if absent)`]],
  parse(args) {
    const arity = positionalArgs(args, []);
    if (!arity.ok) return arity;
    const raw = args.values['pod'];
    const pod = podNameArg(typeof raw === 'string' ? raw : DEFAULT_POD);
    if (!pod.ok) return pod;
    const rule = ScopeRule.parseShorthand(`write:${args.cwd}`);
    if (!rule.ok) return err(`cannot grant the current directory: ${ScopeRule.describeError(rule.error)}`);
    return ok(async ({ app, out, io }) => {
      const created = await app.createPod.execute({ name: pod.value, scope: [rule.value] });
      if (created.ok) out.line(`· created pod \`${pod.value}\` with scope ${printable(ScopeRule.describe(rule.value))}`);
      const { runTui } = await import('../../tui/run-tui.js');
      return runTui({ app, io, pod: pod.value, cwd: args.cwd, out });
    });
  },
};
