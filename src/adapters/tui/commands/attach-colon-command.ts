import { ok } from '../../../domain/result.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import type { ColonCommand } from '../colon-command.js';

export const attachColonCommand: ColonCommand = {
  name: 'attach',
  params: [{ name: 'name', completes: 'store_pods' }],
  summary: 'switch to another Pod of the store',
  details:
    'Makes <name> the attached Pod: its history streams here and plain input goes to it. The TUI\n' +
    'takes its lease and runs it, unless another host runs it: then you view it, and what you type\n' +
    'is still committed to its history and that host answers. A stopped spawned child is only\n' +
    'viewed: its parent decides when it runs (`:restore` from the parent). Pods attached before\n' +
    'keep running here until you quit.',
  parse([raw = '']) {
    const name = podNameArg(raw);
    if (!name.ok) return name;
    return ok((session) => session.attach(name.value));
  },
};
