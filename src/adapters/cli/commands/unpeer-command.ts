import { describeRemovePeerError } from '../../../application/use-cases/remove-peer.js';
import { ok } from '../../../domain/result.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { podPairArgs } from '../command-args.js';

export const unpeerCommand: CliCommand = {
  name: 'unpeer',
  usage: 'unpeer A B',
  summary: 'remove the peer relation between A and B (as from A)',
  details:
    'Removes the peer relation between A and B, as the TUI\'s `:unpeer B` does while attached\n' +
    'to A. Later SendToPeerPod calls between them are refused; messages already delivered stay\n' +
    'in history, and `pods explain` still shows the relation they came over.\n\n' +
    'Exit codes: 0 removed; 1 refused: one does not exist, or they are not peers;\n' +
    '2 usage or store error.',
  parse(args) {
    const pair = podPairArgs(args);
    if (!pair.ok) return pair;
    const [from, to] = pair.value;
    return ok(async ({ app, out }) => {
      const result = await app.removePeer.execute({ from, to, via: 'cli' });
      if (!result.ok) return refuse(out, describeRemovePeerError(result.error));
      out.line(`\`${from}\` and \`${to}\` are no longer peers (relation ${result.value.id} removed)`);
      return EXIT.ok;
    });
  },
};

