import type { SendToChild } from '../use-cases/send-to-child.js';
import { bodyField, podNameField, refused } from './argument-parsers.js';
import { hostOf } from '../turn-outcome.js';
import { describeDelivery } from './describe-delivery.js';
import { CONTENT, NAME_PROPERTY, type ToolDefinition } from './tool-definition.js';
import { toolOk, type ToolResult } from './tool-result.js';

type Input = { name: string; message: string };

export function sendToPodTool(useCase: SendToChild): ToolDefinition<Input> {
  return {
    name: 'SendToPod',
    title: 'Send to a child Pod',
    effect: 'writes',
    description:
      'Send `message` to one of your own spawned children as its next user turn. An idle child starts a turn; a ' +
      'busy one sees the message at its next model request. Does not wait for the answer: use ReadPodOutput. ' +
      'Only for your children: a peer is not steerable (use SendToPeerPod). A child you stopped with StopPod ' +
      'must be restored with RestorePod first; one that no host runs now (ListPods: status stopped, child.state ' +
      'outstanding) gets the message and sees it when restored.',
    inputSchema: {
      type: 'object',
      properties: {
        name: { ...NAME_PROPERTY, description: 'One of your spawned children.' },
        message: { type: 'string', description: 'Delivered as the child\'s next user message (at most 64 KiB).' },
      },
      required: ['name', 'message'],
      additionalProperties: false,
    },
    contentSchema: {
      type: 'object',
      properties: { ...CONTENT.delivery, seq: CONTENT.integer },
      required: ['delivered_to', 'turn', 'seq'],
    },
    async run(caller, input): Promise<ToolResult> {
      const name = podNameField('SendToPod', 'name', input.name);
      if (!name.ok) return name.error;
      const message = bodyField('SendToPod', 'message', input.message);
      if (!message.ok) return message.error;
      const result = await useCase.execute({ caller, name: name.value, message: message.value });
      if (!result.ok) return refused(result.error);
      const { deliveredTo, turn, seq } = result.value;
      return toolOk(`sent message to \`${name.value}\`; ${describeDelivery(result.value)}`, { delivered_to: deliveredTo, ...hostOf(result.value), turn, seq });
    },
  };
}
