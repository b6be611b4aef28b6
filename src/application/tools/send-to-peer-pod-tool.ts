import type { DeliverPeerMessage } from '../use-cases/deliver-peer-message.js';
import { bodyField, podNameField, refused } from './argument-parsers.js';
import { hostOf } from '../turn-outcome.js';
import { describeDelivery } from './describe-delivery.js';
import { CONTENT, NAME_PROPERTY, type ToolDefinition } from './tool-definition.js';
import { toolOk, type ToolResult } from './tool-result.js';

type Input = { name: string; message: string; idempotency_key?: string };

export function sendToPeerPodTool(useCase: DeliverPeerMessage): ToolDefinition<Input> {
  return {
    name: 'SendToPeerPod',
    title: 'Send to a peer Pod',
    effect: 'writes',
    description:
      'Send `message` to a peer: a Pod an operator paired with you. It is committed to the peer\'s history with ' +
      'you as its verified sender; a live idle peer starts a turn, a stopped peer sees it when restored (this ' +
      'tool never restores it). A peer is not your child: this grants no filesystem scope, no output cursor, no ' +
      'ownership and no completion notifications, and children are reached with SendToPod instead. At most ' +
      '64 KiB. Reusing an `idempotency_key` returns the first message and sends nothing.',
    inputSchema: {
      type: 'object',
      properties: {
        name: { ...NAME_PROPERTY, description: 'One of your peers.' },
        message: { type: 'string', description: 'Delivered to the peer as a peer message (at most 64 KiB).' },
        idempotency_key: { type: 'string', minLength: 1, maxLength: 200, description: 'Optional; the same key never sends twice.' },
      },
      required: ['name', 'message'],
      additionalProperties: false,
    },
    contentSchema: {
      type: 'object',
      properties: { message_id: CONTENT.string, pair_seq: CONTENT.integer, ...CONTENT.delivery, duplicate: CONTENT.boolean },
      required: ['message_id', 'pair_seq', 'delivered_to', 'turn', 'duplicate'],
    },
    async run(caller, input): Promise<ToolResult> {
      const name = podNameField('SendToPeerPod', 'name', input.name);
      if (!name.ok) return name.error;
      const body = bodyField('SendToPeerPod', 'message', input.message);
      if (!body.ok) return body.error;
      const key = input.idempotency_key;
      const result = await useCase.execute({ from: caller, to: name.value, body: body.value, ...(key !== undefined ? { idempotencyKey: key } : {}) });
      if (!result.ok) return refused(result.error);
      const v = result.value;
      const content = { message_id: v.messageId, pair_seq: v.pairSeq, delivered_to: v.deliveredTo, ...hostOf(v), turn: v.turn, duplicate: v.duplicate };
      if (v.duplicate) return toolOk(`peer message with this idempotency key was already sent to \`${name.value}\` as ${v.messageId}; nothing sent`, content);
      return toolOk(`sent peer message to \`${name.value}\`; ${describeDelivery(v)}`, content);
    },
  };
}
