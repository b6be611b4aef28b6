import { describePeerError } from '../../../application/use-cases/initiate-peer-handshake.js';
import { ok } from '../../../domain/result.js';
import { EXIT } from '../../process-io.js';
import { refuse, type CliCommand } from '../cli-command.js';
import { podPairArgs } from '../command-args.js';

export const peerCommand: CliCommand = {
  name: 'peer',
  usage: 'peer A B',
  summary: 'make A and B peers (the operator handshake, as from A)',
  details:
    'Creates the one reciprocal peer relation between A and B, as the TUI\'s `:peer B` does while\n' +
    'attached to A. Peers see each other in ListPods and may use SendToPeerPod, nothing more. No\n' +
    'model is contacted and no model-visible history is written; the command is audited for both.\n\n' +
    'Exit codes: 0 peered, or already peers (nothing changes); 1 refused: A and B are the same Pod,\n' +
    'one does not exist, or one is the other\'s spawned child; 2 usage or store error.',
  parse(args) {
    const pair = podPairArgs(args);
    if (!pair.ok) return pair;
    const [from, to] = pair.value;
    return ok(async ({ app, out }) => {
      const result = await app.initiatePeerHandshake.execute({ from, to, via: 'cli' });
      if (!result.ok) return refuse(out, describePeerError(result.error));
      const { status, relation } = result.value;
      out.line(
        status === 'peered'
          ? `\`${from}\` and \`${to}\` are now peers (relation ${relation.id})`
          : `\`${from}\` and \`${to}\` are already peers (relation ${relation.id}, since ${relation.since.toISOString()}); nothing changed`,
      );
      return EXIT.ok;
    });
  },
};

