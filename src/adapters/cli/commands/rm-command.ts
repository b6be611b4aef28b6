import { describeRemovePodError } from '../../../application/use-cases/remove-pod.js';
import { ok } from '../../../domain/result.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { flag, positionalArgs } from '../command-args.js';

export const rmCommand: CliCommand = {
  name: 'rm',
  usage: 'rm NAME [--force]',
  summary: 'remove a Pod (operator only); its history stays readable with `pods history NAME --removed`',
  details:
    'Removes Pod NAME from the store: it is no longer listed, no host runs it, no Pod sees it, and\n' +
    'its name is free for a new Pod. Its history and audit trail move to the store\'s archive,\n' +
    'read-only: `pods history NAME --removed` prints them. Messages it sent stay in the histories\n' +
    'of the Pods that received them.\n\n' +
    'Refused while NAME is live (a TUI, `pods serve` or `pods mcp` runs it), while it is an\n' +
    'outstanding child (its parent stops it first: StopPod), while it has children of its own\n' +
    '(remove them first), and while it has peers, unless --force: then its peer relations are\n' +
    'removed with it, in the same transaction, and each peer\'s audit trail records it.\n\n' +
    'An agent-driven Pod\'s agent state on this machine ($PODS_HOME/agents/NAME: its sessions,\n' +
    'home and log) is deleted with it.\n\n' +
    'Prints `removed pod `NAME` (N history entries archived as rmv_…)`.\n\n' +
    'Exit codes: 0 removed; 1 refused (no such Pod, live, children, peers without --force);\n' +
    '2 usage or store error.',
  options: { force: { type: 'boolean' } },
  optionHelp: [['--force', 'also remove its peer relations']],
  parse(args) {
    const positionals = positionalArgs(args, ['NAME']);
    if (!positionals.ok) return positionals;
    const pod = podNameArg(positionals.value[0] ?? '');
    if (!pod.ok) return pod;
    const force = flag(args, 'force');
    return ok(async ({ app, out }) => {
      const result = await app.removePod.execute({ name: pod.value, force, via: 'cli' });
      if (!result.ok) return refuse(out, describeRemovePodError(result.error));
      const { removed, unpeered } = result.value;
      const peers = unpeered.length > 0 ? `; unpeered from ${unpeered.map((p) => `\`${p}\``).join(', ')}` : '';
      // Its agent's sessions and home (an agent-driven Pod's) are this machine's; a new Pod of the name starts afresh.
      const state = (await app.agents.discard(pod.value)) === 'removed' ? '; its agent state removed' : '';
      out.line(`removed pod \`${pod.value}\` (${removed.entries} history entr${removed.entries === 1 ? 'y' : 'ies'} archived as ${removed.id})${peers}${state}`);
      return EXIT.ok;
    });
  },
};
