import type { StoreListing } from '../../../application/use-cases/list-all-pods.js';
import type { PodName } from '../../../domain/pod-name.js';
import { err, ok } from '../../../domain/result.js';
import { ScopeRule } from '../../../domain/scope-rule.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { printable } from '../../presentation/printable.js';
import { EXIT } from '../../process-io.js';
import type { CliCommand } from '../cli-command.js';
import { countOption, flag, positionalArgs } from '../command-args.js';
import { favorMemory } from '../favor-memory.js';
import { jsonArrayStream } from '../json-array-stream.js';
import { StreamingTable } from '../streaming-table.js';

const LS_LIMIT = { default: 50, max: 1_000 } as const;
const HEADER = ['NAME', 'STATUS', 'PROFILE', 'DRIVEN BY', 'ORIGIN', 'SCOPE'] as const;

export const lsCommand: CliCommand = {
  name: 'ls',
  usage: 'ls [--json] [--all | --limit N] [--after NAME] [--prefix P]',
  summary: 'list the Pods in the store, a page at a time',
  details:
    'Lists the Pods in the store, sorted by name, with its status (idle, running or\n' +
    'stopped), its profile (how a host runs it: `default` is the host\'s model; others are coding\n' +
    'agents, see `pods profile`), who drives it while live (DRIVEN BY: `model`, its host runs its\n' +
    'model; `acp`, its host runs its agent; `mcp`, an external agent through `pods mcp`), where it\n' +
    'came from and its filesystem scope. This is the\n' +
    'operator\'s view; a Pod only ever sees its own visibility set (tool ListPods).\n\n' +
    `One page: the first ${LS_LIMIT.default} Pods (--limit N, at most ${LS_LIMIT.max}), after NAME with --after, only names\n` +
    'starting with P with --prefix. When more follow it says so, and how to list them (on stderr\n' +
    'with --json). --all lists every Pod, printed as it is read: memory stays the same whatever\n' +
    'the size of the store (columns widen as wider values come).\n\n' +
    'With --json: an array of {name, scope, origin, createdAt, profile, status, hostId?, drivenBy?,\n' +
    'unconfined?} (hostId and drivenBy while live; unconfined: true for a Pod whose profile runs its\n' +
    'agent without a sandbox).\n\n' +
    'Exit codes: 0 listed; 2 usage or store error.',
  options: { json: { type: 'boolean' }, all: { type: 'boolean' }, limit: { type: 'string' }, after: { type: 'string' }, prefix: { type: 'string' } },
  optionHelp: [
    ['--json', 'print a JSON array'],
    ['--all', 'every Pod, streamed page after page'],
    ['--limit N', `at most N Pods (default ${LS_LIMIT.default}, at most ${LS_LIMIT.max})`],
    ['--after NAME', 'only Pods after NAME (the next page)'],
    ['--prefix P', 'only Pods whose names start with P'],
  ],
  parse(args) {
    const positionals = positionalArgs(args, []);
    if (!positionals.ok) return positionals;
    const json = flag(args, 'json');
    const all = flag(args, 'all');
    const limit = countOption(args, 'limit', 1);
    if (!limit.ok) return limit;
    if (limit.value !== undefined && all) return err('--all and --limit cannot go together');
    if (limit.value !== undefined && limit.value > LS_LIMIT.max) return err(`--limit must be at most ${LS_LIMIT.max} (--all lists every Pod)`);
    const name = (option: string) => (typeof args.values[option] === 'string' ? podNameArg(args.values[option]) : undefined);
    const after = name('after');
    if (after && !after.ok) return err(`--after: ${after.error}`);
    const prefix = name('prefix');
    if (prefix && !prefix.ok) return err(`--prefix: ${prefix.error}`);
    if (all) favorMemory(); // now, before the store's modules load (see favorMemory)
    const query = { ...(after ? { after: after.value } : {}), ...(prefix ? { prefix: prefix.value } : {}) };
    return ok(async ({ app, out }) => {
      const printed = { count: 0 };
      const stream = json ? jsonArrayStream(out) : undefined;
      const table = new StreamingTable(HEADER);
      const print = (pods: readonly StoreListing[]) => {
        printed.count += pods.length;
        if (stream) stream.items(pods);
        else if (pods.length > 0) for (const line of table.lines(pods.map(row))) out.line(line);
      };
      let next: PodName | undefined;
      if (all) {
        for await (const pods of app.listAllPods.pages(query)) {
          print(pods);
          if ((await out.drained?.()) === false) return EXIT.ok;
        }
      } else {
        const page = await app.listAllPods.page({ ...query, limit: limit.value ?? LS_LIMIT.default });
        print(page.pods);
        next = page.next;
      }
      stream?.end();
      if (!stream && printed.count === 0) out.line(prefix || after ? 'no pods match' : 'no pods in the store');
      if (next !== undefined) {
        const more = `more Pods follow \`${next}\`: \`pods ls --after ${next}\` lists the next page, \`pods ls --all\` every one`;
        if (stream) out.fail(more);
        else out.line(`… ${more}`);
      }
      return EXIT.ok;
    });
  },
};

function row(pod: StoreListing): readonly string[] {
  const origin = pod.origin.type === 'operator' ? 'operator' : `child of ${pod.origin.parent}`;
  return [pod.name, pod.status, pod.unconfined ? `${pod.profile} (unconfined)` : pod.profile, pod.drivenBy ?? '-', origin, printable(pod.scope.map(ScopeRule.describe).join(', ')) || '(none)'];
}
