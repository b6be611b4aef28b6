import { describePodNotFound } from '../../../application/errors.js';
import { describeNeverRemoved } from '../../../application/use-cases/read-removed-history.js';
import { ok } from '../../../domain/result.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { entryJson, renderEntry } from '../../presentation/render-entry.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { countOption, flag, positionalArgs } from '../command-args.js';
import { favorMemory } from '../favor-memory.js';
import { jsonArrayStream } from '../json-array-stream.js';

export const historyCommand: CliCommand = {
  name: 'history',
  usage: 'history NAME [--json] [--after N] [--limit N] [--removed]',
  summary: 'print a Pod\'s committed history',
  details:
    'Prints the committed history of Pod NAME, oldest first: one line per entry, e.g.\n' +
    '`#3 peer_message from a: hello`. Control characters in stored text are shown escaped.\n' +
    'Entries are read and printed a page at a time, up to the newest entry when the command\n' +
    'starts: its memory stays the same however long the history.\n\n' +
    'With --json: an array of entries {seq, kind, at, ...}, with the fields of each kind; a\n' +
    'peer_message names its verified sender in `from`.\n\n' +
    'With --removed: the history of Pods named NAME that `pods rm` removed, each after a line\n' +
    '`removed pod `NAME` at TIME (rmv_…, N entries)`, oldest removal first; with --json, an array\n' +
    'of {id, name, removedAt, createdAt, entries: [...]}.\n\n' +
    'Exit codes: 0 printed; 1 no such Pod (with --removed: none of that name was removed); 2 usage\n' +
    'or store error.',
  options: { json: { type: 'boolean' }, after: { type: 'string' }, limit: { type: 'string' }, removed: { type: 'boolean' } },
  optionHelp: [
    ['--json', 'print a JSON array'],
    ['--after N', 'only entries with seq > N'],
    ['--limit N', 'at most N entries'],
    ['--removed', 'the history of removed Pods of this name (`pods rm`)'],
  ],
  parse(args) {
    const positionals = positionalArgs(args, ['NAME']);
    if (!positionals.ok) return positionals;
    const pod = podNameArg(positionals.value[0] ?? '');
    if (!pod.ok) return pod;
    const after = countOption(args, 'after', 0);
    if (!after.ok) return after;
    const limit = countOption(args, 'limit', 1);
    if (!limit.ok) return limit;
    const json = flag(args, 'json');
    favorMemory(); // now, before the store's modules load (see favorMemory)
    const range = { ...(after.value === undefined ? {} : { after: after.value }), ...(limit.value === undefined ? {} : { limit: limit.value }) };
    if (flag(args, 'removed')) {
      return ok(async ({ app, out }) => {
        const result = await app.readRemovedHistory.execute({ name: pod.value, ...range });
        if (!result.ok) return refuse(out, describeNeverRemoved(result.error));
        if (json) {
          out.json(result.value.map(({ removed, entries }) => ({ id: removed.id, name: removed.pod.name, removedAt: removed.removedAt, createdAt: removed.pod.createdAt, entries: entries.map(entryJson) })));
          return EXIT.ok;
        }
        for (const { removed, entries } of result.value) {
          out.line(`removed pod \`${removed.pod.name}\` at ${removed.removedAt.toISOString()} (${removed.id}, ${removed.entries} entries)`);
          for (const entry of entries) out.line(renderEntry(entry));
        }
        return EXIT.ok;
      });
    }
    return ok(async ({ app, out }) => {
      // Printed a page at a time as it is read: memory holds one page, however long the history.
      const result = await app.readHistory.pages({ pod: pod.value, ...range });
      if (!result.ok) return refuse(out, describePodNotFound(result.error));
      const stream = json ? jsonArrayStream(out) : undefined;
      let printed = 0;
      for await (const page of result.value) {
        printed += page.length;
        if (stream) stream.items(page.map(entryJson));
        else for (const entry of page) out.line(renderEntry(entry));
        if ((await out.drained?.()) === false) return EXIT.ok;
      }
      stream?.end();
      if (!stream && printed === 0) out.line(`no history entries${range.after === undefined ? '' : ` after #${range.after}`}`);
      return EXIT.ok;
    });
  },
};
