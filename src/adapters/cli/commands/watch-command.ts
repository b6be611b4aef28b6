import { describePodNotFound } from '../../../application/errors.js';
import type { PodName } from '../../../domain/pod-name.js';
import { ok } from '../../../domain/result.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import { entryJson, renderEntry } from '../../presentation/render-entry.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { flag } from '../command-args.js';
import { favorMemory } from '../favor-memory.js';

export const watchCommand: CliCommand = {
  name: 'watch',
  usage: 'watch [NAME...] [--jsonl]',
  summary: 'follow committed history entries as they commit, from every process',
  details:
    'Prints each entry committed to the history of the named Pods (default: every Pod, also\n' +
    'those created while watching) from now on, as it commits in any process using the store,\n' +
    'one line per entry: `[a] #3 peer_message from b: hello`. Control characters are shown\n' +
    'escaped. Entries already in history are not printed (`pods history` shows those).\n\n' +
    'With --jsonl: one JSON object per line, with the fields of `pods history --json` (pod,\n' +
    'seq, kind, at, and those of the kind), for scripts and jq.\n\n' +
    'Says on stderr what it follows once it follows. Runs until SIGINT (Ctrl+C) or SIGTERM. If the store stops answering it says so on stderr\n' +
    'once, keeps trying, and says when it is back; nothing committed meanwhile is skipped.\n\n' +
    'Exit codes: 0 stopped; 1 a named Pod does not exist; 2 usage or store error.',
  options: { jsonl: { type: 'boolean' } },
  optionHelp: [['--jsonl', 'print one JSON object per line']],
  parse(args) {
    const pods: PodName[] = [];
    for (const raw of args.positionals) {
      const pod = podNameArg(raw);
      if (!pod.ok) return pod;
      if (!pods.includes(pod.value)) pods.push(pod.value);
    }
    const jsonl = flag(args, 'jsonl');
    favorMemory(); // it follows for hours, a page of entries at a time; now, before the store's modules load
    return ok(async ({ app, out, io }) => {
      const stop = new AbortController();
      const offInt = io.onSignal('SIGINT', () => stop.abort());
      const offTerm = io.onSignal('SIGTERM', () => stop.abort());
      try {
        const followed = await app.followHistory.execute({
          ...(pods.length > 0 ? { pods } : {}),
          signal: stop.signal,
          onFollowing: () => out.fail(`following ${pods.length === 0 ? 'every Pod' : pods.map((p) => `\`${p}\``).join(', ')} (Ctrl+C stops)`),
          onEntries: (entries) => {
            for (const entry of entries) out.line(jsonl ? JSON.stringify(entryJson(entry)) : `[${entry.pod}] ${renderEntry(entry)}`);
          },
          onTrouble: (error) => out.fail(error ? `the store does not answer (${error.message}); still trying` : 'the store answers again; following'),
        });
        if (!followed.ok) return refuse(out, describePodNotFound(followed.error));
        return EXIT.ok;
      } finally {
        offInt();
        offTerm();
      }
    });
  },
};
