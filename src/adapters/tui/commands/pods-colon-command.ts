import { describePodNotFound } from '../../../application/errors.js';
import type { PodListing } from '../../../application/use-cases/list-pods.js';
import { visibleCount } from '../../../domain/visible-page.js';
import { ok } from '../../../domain/result.js';
import { renderTable } from '../../presentation/render-table.js';
import type { ColonCommand } from '../colon-command.js';

export const podsColonCommand: ColonCommand = {
  name: 'pods',
  params: [],
  summary: 'list what the attached Pod sees',
  details:
    'Runs ListPods as the attached Pod and shows its visibility set as a table: the Pod itself,\n' +
    'its spawned children (running or stopped) and its peers, with how it sees each (relation),\n' +
    'its status (idle, running, stopped), its profile (`default`: a host\'s model; others:\n' +
    'coding agents), who drives it while live (DRIVEN BY: `model`, its host runs its model; `acp`,\n' +
    'its host runs its agent; `mcp`, an external agent through `pods mcp`) and whether it could\n' +
    'restore it. Other Pods of the store are not listed: the attached Pod cannot see them\n' +
    '(`pods ls` lists the whole store). It shows ListPods\' first page (50 Pods) and says how many\n' +
    'more there are; `:tool ListPods {"cursor": "NAME"}` lists the page after NAME.',
  parse() {
    return ok(async (session) => {
      const listed = await session.app.listPods.execute({ caller: session.attached });
      if (!listed.ok) return session.refuse(describePodNotFound(listed.error));
      const { pods, totals, cursor } = listed.value;
      for (const line of renderTable([['NAME', 'RELATION', 'STATUS', 'PROFILE', 'DRIVEN BY', 'RESTORABLE'], ...pods.map(row)])) session.say(line);
      const more = visibleCount(totals) - pods.length;
      if (cursor !== undefined && more > 0) {
        session.say(`… and ${more.toLocaleString('en')} more visible Pod(s) after \`${cursor}\`: \`:tool ListPods {"cursor": "${cursor}"}\` lists the next page`);
      }
    });
  },
};

function row(pod: PodListing): readonly string[] {
  return [pod.name, pod.visibility, pod.status, pod.unconfined ? `${pod.profile} (unconfined)` : pod.profile, pod.drivenBy ?? '-', pod.restore.possible ? 'yes' : `no (${pod.restore.reason ?? 'not possible'})`];
}
