import { describePeerError } from '../../../application/use-cases/initiate-peer-handshake.js';
import { ok } from '../../../domain/result.js';
import { podOrPicker } from '../colon-args.js';
import type { ColonCommand } from '../colon-command.js';

export const peerColonCommand: ColonCommand = {
  name: 'peer',
  params: [{ name: 'name', optional: true, completes: 'peer_candidates' }],
  summary: 'make the attached Pod and another Pod peers',
  details:
    'Makes one reciprocal peer relation between the attached Pod and <name>: both see each other\n' +
    'in ListPods and may exchange SendToPeerPod messages (and RestorePod each other). Nothing else:\n' +
    'a peer gets no filesystem scope, no output cursor, no SendToPod/StopPod control and no\n' +
    'completion notices. A parent and its spawned child cannot be peers. Only an operator can do\n' +
    'this (no tool can); no model is contacted and no history entry is written; the command is\n' +
    'audited for both Pods. Peering existing peers changes nothing.\n' +
    'Without a name, on a terminal: pick from the Pods that could be peered.',
  parse(args, { interactive }) {
    const target = podOrPicker(peerColonCommand, args[0], interactive, {
      source: 'peer_candidates',
      ask: (from) => `Peer \`${from}\` with`,
      noneLeft: (from) => `no Pod can be peered with \`${from}\`: every other Pod is already its peer, parent or child (\`:new <name>\` creates one)`,
    });
    if (!target.ok) return target;
    return ok(async (session) => {
      const from = session.attached;
      const to = await target.value(session);
      if (to === undefined) return;
      const result = await session.app.initiatePeerHandshake.execute({ from, to, via: 'tui' });
      if (!result.ok) return session.refuse(`cannot peer: ${describePeerError(result.error)}`);
      const { status, relation } = result.value;
      session.say(status === 'peered'
        ? `peered \`${from}\` ↔ \`${to}\``
        : `\`${from}\` and \`${to}\` are already peers (since ${relation.since.toISOString()}); nothing changed`);
    });
  },
};

