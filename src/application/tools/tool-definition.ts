import type { PodName } from '../../domain/pod-name.js';
import type { ToolResult } from './tool-result.js';

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
  readonly run: (caller: PodName, input: Input) => Promise<ToolResult>;
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
