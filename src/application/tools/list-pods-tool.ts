import type { ListPods } from '../use-cases/list-pods.js';
import type { ToolDefinition } from './tool-definition.js';
import { executionFailed, toolOk, type ToolResult } from './tool-result.js';

type Input = Record<string, never>;

export function listPodsTool(useCase: ListPods): ToolDefinition<Input> {
  return {
    name: 'ListPods',
    description:
      'List the Pods visible to you: yourself, your spawned children (outstanding or stopped) and your peers, ' +
      'with status, liveness, whether each can be restored and how many children each has. Pods outside this ' +
      'set are never shown, and this tool cannot reveal whether they exist.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    async run(caller): Promise<ToolResult> {
      const result = await useCase.execute({ caller });
      if (!result.ok) return executionFailed(`pod \`${result.error.name}\` does not exist`);
      // JSON round trip: dates become ISO strings, as every reader of tool content expects.
      return toolOk(`${result.value.length} visible pod(s)`, JSON.parse(JSON.stringify(result.value)));
    },
  };
}
