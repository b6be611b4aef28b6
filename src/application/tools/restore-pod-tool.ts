import { describeRestorePodError, type RestorePod } from '../use-cases/restore-pod.js';
import { podNameField } from './argument-parsers.js';
import { CONTENT, nameOnlySchema, type ToolDefinition } from './tool-definition.js';
import { invalidArgument, toolOk, type ToolResult } from './tool-result.js';

type Input = { name: string };

export function restorePodTool(useCase: RestorePod): ToolDefinition<Input> {
  return {
    name: 'RestorePod',
    title: 'Restore a Pod',
    effect: 'writes',
    description:
      'Start a visible stopped Pod (one of your spawned children, or a peer) on this host. A Pod that is already ' +
      'live is left alone and reported as already_live. A restored child is still your child and borrows the ' +
      'scope you lent it again, so that scope must be free (its own children stay stopped until it restores them). ' +
      'Restoring a peer gives you no power over it; a peer that is a child its parent stopped is not yours to ' +
      'restore (ListPods says so in restore.reason). The Pod runs with its own profile, which this host must have.',
    inputSchema: nameOnlySchema('A visible Pod: one of your children or a peer.'),
    contentSchema: {
      type: 'object',
      properties: { action: { type: 'string', enum: ['restored', 'already_live'] }, name: CONTENT.string },
      required: ['action', 'name'],
    },
    async run(caller, input): Promise<ToolResult> {
      const name = podNameField('RestorePod', 'name', input.name);
      if (!name.ok) return name.error;
      const command = { caller, name: name.value };
      const result = await useCase.execute(command);
      if (!result.ok) return invalidArgument(describeRestorePodError(command, result.error));
      const { action } = result.value;
      return action === 'restored'
        ? toolOk(`pod \`${name.value}\` restored on this host`, { action, name: name.value })
        : toolOk(`pod \`${name.value}\` is already live`, { action, name: name.value });
    },
  };
}
