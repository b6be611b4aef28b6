import { describeExplainEntryError } from '../../../application/use-cases/explain-entry.js';
import { ok } from '../../../domain/result.js';
import { podNameArg, wholeNumber } from '../../presentation/argument-readers.js';
import { explanationJson, renderExplanation } from '../../presentation/render-explanation.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { flag, positionalArgs } from '../command-args.js';

export const explainCommand: CliCommand = {
  name: 'explain',
  usage: 'explain NAME SEQ [--json]',
  summary: 'show the chain of authority that let a history entry in',
  details:
    'Explains entry #SEQ of Pod NAME\'s history: the entry, then each cause that authorized it,\n' +
    'newest first. A peer message points to its relation and to the `:peer` command that created\n' +
    'it (from which Pod, through which surface, when); a parent\'s message points to the child\n' +
    'ownership; model output points to the Pod\'s own turn.\n\n' +
    'With --json: {entry, chain}, the entry as `pods history --json` prints it.\n\n' +
    'Exit codes: 0 explained; 1 no such Pod or entry; 2 usage or store error.',
  options: { json: { type: 'boolean' } },
  optionHelp: [['--json', 'print a JSON object']],
  parse(args) {
    const positionals = positionalArgs(args, ['NAME', 'SEQ']);
    if (!positionals.ok) return positionals;
    const [rawName = '', rawSeq = ''] = positionals.value;
    const pod = podNameArg(rawName);
    if (!pod.ok) return pod;
    const seq = wholeNumber('SEQ', rawSeq, 1);
    if (!seq.ok) return seq;
    const json = flag(args, 'json');
    return ok(async ({ app, out }) => {
      const result = await app.explainEntry.execute({ pod: pod.value, seq: seq.value });
      if (!result.ok) return refuse(out, describeExplainEntryError(result.error));
      if (json) out.json(explanationJson(result.value));
      else for (const line of renderExplanation(result.value)) out.line(line);
      return EXIT.ok;
    });
  },
};
