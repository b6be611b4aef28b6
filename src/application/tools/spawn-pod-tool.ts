import { DEFAULT_PROFILE_NAME } from '../../domain/profile-name.js';
import { ScopeRule, type ScopeRuleInput } from '../../domain/scope-rule.js';
import { describeSpawnChildPodError, type SpawnChildPod } from '../use-cases/spawn-child-pod.js';
import { bodyField, podNameField } from './argument-parsers.js';
import { CONTENT, NAME_PROPERTY, type ToolDefinition } from './tool-definition.js';
import { invalidArgument, toolOk, type ToolResult } from './tool-result.js';

type Input = { name: string; task: string; scope?: ScopeRuleInput[]; profile?: string };

export function spawnPodTool(useCase: SpawnChildPod): ToolDefinition<Input> {
  return {
    name: 'SpawnPod',
    title: 'Spawn a child Pod',
    effect: 'writes',
    description:
      'Spawn a new child Pod that starts working on `task` at once and keeps running after your turn ends. ' +
      'You become its parent, and only you can steer it: SendToPod, ReadPodOutput, StopPod, and you receive its ' +
      'completion events. `scope` lends the child part of your own filesystem scope: every rule must lie inside ' +
      'your effective scope, and while the child is outstanding you lose write access to what you lend with ' +
      '`write` (you keep read). Omit `scope` for a child with no filesystem access. The name must be new in the ' +
      'store and differ from your own. `profile` says how the child runs: omit it (or `default`) for the host\'s ' +
      'model, `inherit` for your own profile, or the name of a profile this host has (a coding agent such as ' +
      'Claude Code or Codex, working in the child\'s scope); the child runs on your host.',
    inputSchema: {
      type: 'object',
      properties: {
        name: { ...NAME_PROPERTY, description: 'Name of the new Pod: 1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit.' },
        task: { type: 'string', description: 'The child\'s first user message (at most 64 KiB).' },
        scope: {
          type: 'array',
          description: 'Filesystem rules lent to the child; a subset of your own effective scope.',
          maxItems: 64,
          items: {
            type: 'object',
            properties: {
              target: { type: 'string', description: 'Absolute path.' },
              permission: { type: 'string', enum: ['read', 'write'] },
              recursive: { type: 'boolean', description: 'Default true; false covers the target and its direct children only.' },
            },
            required: ['target', 'permission'],
            additionalProperties: false,
          },
        },
        profile: { type: 'string', minLength: 1, maxLength: 64, description: 'How the child runs: `default` (the host\'s model), `inherit` (yours), or a profile name this host has.' },
      },
      required: ['name', 'task'],
      additionalProperties: false,
    },
    contentSchema: {
      type: 'object',
      properties: { name: CONTENT.string, scope: { type: 'array', items: CONTENT.scopeRule }, profile: CONTENT.string, task_seq: CONTENT.integer },
      required: ['name', 'scope', 'profile', 'task_seq'],
    },
    async run(caller, input): Promise<ToolResult> {
      const name = podNameField('SpawnPod', 'name', input.name);
      if (!name.ok) return name.error;
      const task = bodyField('SpawnPod', 'task', input.task);
      if (!task.ok) return task.error;
      const scope: ScopeRule[] = [];
      for (const [i, raw] of (input.scope ?? []).entries()) {
        const rule = ScopeRule.parse(raw);
        if (!rule.ok) return invalidArgument(`SpawnPod.scope[${i}]: ${ScopeRule.describeError(rule.error)}`);
        scope.push(rule.value);
      }
      const result = await useCase.execute({ caller, name: name.value, scope, task: task.value, ...(input.profile !== undefined ? { profile: input.profile } : {}) });
      if (!result.ok) return invalidArgument(describeSpawnChildPodError(caller, result.error));
      const lent = result.value.scope.map(ScopeRule.describe).join(', ') || '(none)';
      const runs = result.value.profile === DEFAULT_PROFILE_NAME ? '' : ` (profile \`${result.value.profile}\`)`;
      return toolOk(`spawned pod \`${result.value.name}\`${runs} with scope ${lent}; it is working on its task`, {
        name: result.value.name,
        scope: result.value.scope,
        profile: result.value.profile,
        task_seq: result.value.taskSeq,
      });
    },
  };
}
