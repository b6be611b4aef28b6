import type { StoreListing } from '../../../application/use-cases/list-all-pods.js';
import { ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { flag, positionalArgs } from '../argument-readers.js';
import { EXIT, type CliCommand } from '../cli-command.js';
import { printable } from '../printable.js';
import { renderTable } from '../render-table.js';

export const lsCommand: CliCommand = {
  name: 'ls',
  usage: 'ls [--json]',
  summary: 'list every Pod in the store',
  details:
    'Lists every Pod in the store, sorted by name, with its status (idle, running or stopped),\n' +
    'its profile (how a host runs it: `default` is the host\'s model; others are coding\n' +
    'agents, see `pods profile`), who drives it while live (DRIVEN BY: `model`, its host runs its\n' +
    'model; `acp`, its host runs its agent; `mcp`, an external agent through `pods mcp`), where it\n' +
    'came from and its filesystem scope. This is the\n' +
    'operator\'s view; a Pod only ever sees its own visibility set (tool ListPods).\n\n' +
    'With --json: an array of {name, scope, origin, createdAt, profile, status, hostId?, drivenBy?,\n' +
    'unconfined?} (hostId and drivenBy while live; unconfined: true for a Pod whose profile runs its\n' +
    'agent without a sandbox).\n\n' +
    'Exit codes: 0 listed; 2 usage or store error.',
  options: { json: { type: 'boolean' } },
  optionHelp: [['--json', 'print a JSON array']],
  parse(args) {
    const positionals = positionalArgs(args, []);
    if (!positionals.ok) return positionals;
    const json = flag(args, 'json');
    return ok(async ({ app, out }) => {
      const pods = await app.listAllPods.execute();
      if (json) out.json(pods);
      else if (pods.length === 0) out.line('no pods in the store');
      else for (const line of renderTable([['NAME', 'STATUS', 'PROFILE', 'DRIVEN BY', 'ORIGIN', 'SCOPE'], ...pods.map(row)])) out.line(line);
      return EXIT.ok;
    });
  },
};

function row(pod: StoreListing): readonly string[] {
  const origin = pod.origin.type === 'operator' ? 'operator' : `child of ${pod.origin.parent}`;
  return [pod.name, pod.status, pod.unconfined ? `${pod.profile} (unconfined)` : pod.profile, pod.drivenBy ?? '-', origin, printable(pod.scope.map(ScopeRule.describe).join(', ')) || '(none)'];
}
