import { ok } from '../../../domain/result.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import type { ColonCommand } from '../colon-command.js';
import type { TuiSession } from '../tui-session.js';

export const restoreColonCommand: ColonCommand = {
  name: 'restore',
  params: [{ name: 'name', completes: 'visible_pods' }],
  summary: 'start a stopped Pod the attached Pod sees, in this TUI',
  details:
    'Runs the RestorePod tool as the attached Pod, with the same authority checks as its model: the\n' +
    'Pod must be visible to it (its spawned child or its peer). A stopped Pod then runs in this\n' +
    'TUI and answers what reached it meanwhile; a live one is left alone. A restored child is still\n' +
    'the attached Pod\'s child and borrows its scope again; restoring a peer gives no power over it.\n' +
    '`:restore` of the attached Pod itself, while you only view it, takes it over if its host left\n' +
    '(as `:attach` of it does), or says which host runs it.',
  parse([raw = '']) {
    const name = podNameArg(raw);
    if (!name.ok) return name;
    return ok(async (session) => {
      if (name.value === session.attached) return restoreAttached(session);
      const result = await session.app.tools.execute(session.attached, 'RestorePod', { name: name.value });
      if (result.ok) session.say(result.summary);
      else session.refuse(`cannot restore: ${result.message}`);
    });
  },
};

/** A Pod cannot restore itself; what the operator means is to run it here, or that it runs. */
async function restoreAttached(session: TuiSession): Promise<void> {
  const pod = session.attached;
  if (!session.hosting) return session.takeOver(pod);
  session.say(`\`${pod}\` is the attached Pod and already runs in this TUI; \`:restore NAME\` starts a stopped Pod that \`${pod}\` sees (its child or its peer)`);
}
