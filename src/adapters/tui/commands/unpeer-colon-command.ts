import { describeRemovePeerError } from '../../../application/use-cases/remove-peer.js';
import { ok } from '../../../domain/result.js';
import { podOrPicker } from '../colon-args.js';
import type { ColonCommand } from '../colon-command.js';

export const unpeerColonCommand: ColonCommand = {
  name: 'unpeer',
  params: [{ name: 'name', optional: true, completes: 'peers' }],
  summary: 'remove the peer relation between the attached Pod and another Pod',
  details:
    'Removes the peer relation between the attached Pod and <name>, for both sides at once. Later\n' +
    'SendToPeerPod calls between them are refused and they no longer see each other; messages\n' +
    'already delivered stay in history, and :explain still shows the relation they came over.\n' +
    'Only an operator can do this; it is audited for both Pods.\n' +
    'Without a name, on a terminal: pick one of the current peers.',
  parse(args, { interactive }) {
    const target = podOrPicker(unpeerColonCommand, args[0], interactive, {
      source: 'peers',
      ask: (from) => `Unpeer \`${from}\` from`,
      noneLeft: (from) => `\`${from}\` has no peers`,
    });
    if (!target.ok) return target;
    return ok(async (session) => {
      const from = session.attached;
      const to = await target.value(session);
      if (to === undefined) return;
      const result = await session.app.removePeer.execute({ from, to, via: 'tui' });
      if (!result.ok) return session.refuse(`cannot unpeer: ${describeRemovePeerError(result.error)}`);
      session.say(`\`${from}\` and \`${to}\` are no longer peers`);
    });
  },
};

