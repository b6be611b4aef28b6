import type { PodName } from '../../domain/pod-name.js';
import type { SeenMark } from '../use-cases/wait-for-inbound.js';
import type { ToolResult } from './tool-result.js';

/** What the driver that runs a call knows beyond its input (`ListPods` with `wait_ms` uses it). */
export type ToolCallContext = {
  /** What the caller has seen of its own history; default: all of it when the call starts. */
  readonly seen?: SeenMark;
  /** Aborted when the caller goes away (a cancelled turn, a closed MCP client): waits end. */
  readonly signal?: AbortSignal;
};

/** A JSON Schema object with no extra properties: what the model sees and what input is checked against. */
export type ToolInputSchema = {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, object>>;
  readonly required?: readonly string[];
  readonly additionalProperties: false;
};

export type ToolDefinition<Input> = {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  /** Runs with input already checked against `inputSchema`, as the calling Pod. */
  readonly run: (caller: PodName, input: Input, context: ToolCallContext) => Promise<ToolResult>;
};

export const NAME_PROPERTY = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
} as const;

/** The schema of a tool whose only argument is the target Pod. */
export function nameOnlySchema(description: string): ToolInputSchema {
  return {
    type: 'object',
    properties: { name: { ...NAME_PROPERTY, description } },
    required: ['name'],
    additionalProperties: false,
  };
}
