import type { PodName } from '../../domain/pod-name.js';
import type { SeenMark } from '../use-cases/wait-for-inbound.js';
import type { ToolResult } from './tool-result.js';

/** What the driver that runs a call knows beyond its input (`ListPods` with `wait_ms` uses it). */
export type ToolCallContext = {
  /** What the caller has seen of its own history; default: all of it when the call starts. */
  readonly seen?: SeenMark;
  /** Aborted when the caller goes away (a cancelled turn, a closed MCP client): waits end. */
  readonly signal?: AbortSignal;
  /**
   * Values the caller's agent holds (SPEC §6a). A call writes into other Pods' histories, so every
   * string of its input is masked before any tool sees it; a name holding one is then no name and refused.
   */
  readonly secrets?: readonly string[];
};

export type ToolInputSchema = {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, object>>;
  readonly required?: readonly string[];
  readonly additionalProperties: false;
};

/** For clients that ask before running a tool; every tool acts inside the store only (closed world). */
export type ToolEffect = 'reads' | 'writes' | 'destroys';

export type ToolContentSchema = Readonly<Record<string, unknown>>;

export type ToolDefinition<Input> = {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly effect: ToolEffect;
  readonly inputSchema: ToolInputSchema;
  readonly contentSchema: ToolContentSchema;
  /** Runs with input already checked against `inputSchema`, as the calling Pod. */
  readonly run: (caller: PodName, input: Input, context: ToolCallContext) => Promise<ToolResult>;
};

export const NAME_PROPERTY = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
} as const;

export function nameOnlySchema(description: string): ToolInputSchema {
  return {
    type: 'object',
    properties: { name: { ...NAME_PROPERTY, description } },
    required: ['name'],
    additionalProperties: false,
  };
}

export const CONTENT = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  scopeRule: {
    type: 'object',
    properties: { target: { type: 'string' }, permission: { type: 'string', enum: ['read', 'write'] }, recursive: { type: 'boolean' } },
    required: ['target', 'permission', 'recursive'],
  },
  /** SPEC §3's delivery: where a message went and what it did to the receiver's turns. */
  delivery: {
    delivered_to: { type: 'string', enum: ['live', 'stopped'] },
    /** Live receivers only: `overdue` when its host has not renewed its lease for more than one renewal period. */
    host: { type: 'string', enum: ['current', 'overdue'] },
    turn: { type: 'string', enum: ['started', 'joins_running_turn', 'withheld', 'none', 'to_agent'] },
  },
} as const;
