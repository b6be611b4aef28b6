import { ScopeRule } from '../../domain/scope-rule.js';
import type { StopChild } from '../use-cases/stop-child.js';
import { podNameField, refused } from './argument-parsers.js';
import { CONTENT, nameOnlySchema, type ToolDefinition } from './tool-definition.js';
import { toolOk, type ToolResult } from './tool-result.js';

type Input = { name: string };

export function stopPodTool(useCase: StopChild): ToolDefinition<Input> {
  return {
    name: 'StopPod',
    title: 'Stop a child Pod',
    effect: 'destroys',
    description:
      'Stop one of your spawned children and take back the filesystem scope you lent it. Children it spawned ' +
      'that are not stopped stop with it (listed in also_stopped): what they hold is part of what you take back. ' +
      'The child stays visible to you as stopped, with its history, and can be restored with RestorePod (its own ' +
      'children stay stopped until it restores them). Only for your own children: a peer cannot be stopped by you.',
    inputSchema: nameOnlySchema('One of your spawned children.'),
    contentSchema: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: ['stopped', 'already_stopped'] },
        reclaimed: { type: 'array', items: CONTENT.scopeRule },
        also_stopped: { type: 'array', items: CONTENT.string },
      },
      required: ['action', 'reclaimed', 'also_stopped'],
    },
    async run(caller, input): Promise<ToolResult> {
      const name = podNameField('StopPod', 'name', input.name);
      if (!name.ok) return name.error;
      const result = await useCase.execute({ caller, name: name.value });
      if (!result.ok) return refused(result.error);
      const { action, reclaimed, alsoStopped } = result.value;
      const content = { action, reclaimed, also_stopped: alsoStopped };
      if (action === 'already_stopped') return toolOk(`pod \`${name.value}\` was already stopped`, content);
      const scope = reclaimed.map(ScopeRule.describe).join(', ') || '(none)';
      const also = alsoStopped.length === 0 ? '' : `; also stopped what it spawned: ${alsoStopped.map((pod) => `\`${pod}\``).join(', ')}`;
      return toolOk(`stopped pod \`${name.value}\`; reclaimed scope: ${scope}${also}`, content);
    },
  };
}
