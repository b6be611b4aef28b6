import { CHILD_OUTPUT_LIMITS, type ReadChildOutput } from '../use-cases/read-child-output.js';
import { podNameField, refused } from './argument-parsers.js';
import { CONTENT, nameOnlySchema, type ToolDefinition } from './tool-definition.js';
import { toolOk, type ToolResult } from './tool-result.js';

type Input = { name: string };

export function readPodOutputTool(useCase: ReadChildOutput): ToolDefinition<Input> {
  return {
    name: 'ReadPodOutput',
    title: 'Read a child Pod\'s output',
    effect: 'writes',
    description:
      'Read the assistant text one of your spawned children produced since your last read, with its current ' +
      `status: at most ${CHILD_OUTPUT_LIMITS.maxMessages} messages or ${CHILD_OUTPUT_LIMITS.maxBytes / 1024} KiB per call (a longer message comes whole, alone); ` +
      '`more` is true when more is waiting, and the next call returns it. Your read position is durable: it ' +
      'survives restarts of either Pod. Only for your own children; peers share no output with you.',
    inputSchema: nameOnlySchema('One of your spawned children.'),
    contentSchema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['idle', 'running', 'stopped'] },
        messages: { type: 'array', items: { type: 'object', properties: { seq: CONTENT.integer, text: CONTENT.string }, required: ['seq', 'text'] } },
        cursor: CONTENT.integer,
        more: CONTENT.boolean,
      },
      required: ['status', 'messages', 'cursor', 'more'],
    },
    async run(caller, input): Promise<ToolResult> {
      const name = podNameField('ReadPodOutput', 'name', input.name);
      if (!name.ok) return name.error;
      const result = await useCase.execute({ caller, name: name.value });
      if (!result.ok) return refused(result.error);
      const { status, messages, cursor, more } = result.value;
      const what = messages.length === 0 ? 'no new assistant text' : `${messages.length} new assistant message(s)${more ? '; more is waiting: read again' : ''}`;
      return toolOk(`pod \`${name.value}\` (${status}): ${what}`, { status, messages, cursor, more });
    },
  };
}
