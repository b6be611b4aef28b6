import type { CallToolResult, Tool, ToolAnnotations } from '@modelcontextprotocol/server';
import type { ToolListing } from '../../application/tools/pod-tools.js';
import type { ToolEffect } from '../../application/tools/tool-definition.js';
import { toolResultJson, type ToolResult } from '../../application/tools/tool-result.js';

/** Every tool acts only inside the store; a client that finds no hints assumes the worst (`codex exec` declines every call). */
const HINTS: Readonly<Record<ToolEffect, ToolAnnotations>> = {
  reads: { readOnlyHint: true, openWorldHint: false },
  writes: { destructiveHint: false, openWorldHint: false },
  destroys: { destructiveHint: true, openWorldHint: false },
};

export type InboundBlock = { readonly pod: string; readonly entries: readonly Record<string, unknown>[]; readonly waiting: number };

const INBOUND_SCHEMA = {
  type: 'object',
  description: 'Entries of your history you have not been shown yet (peer messages, child events, notices, operator input), oldest first.',
  properties: {
    pod: { type: 'string' },
    entries: { type: 'array', items: { type: 'object', properties: { seq: { type: 'integer' }, kind: { type: 'string' }, at: { type: 'string' } }, required: ['seq', 'kind', 'at'] } },
    waiting: { type: 'integer', description: 'How many more entries the next call brings.' },
  },
  required: ['pod', 'entries', 'waiting'],
} as const;

export function mcpTools(listings: readonly ToolListing[]): Tool[] {
  return listings.map(({ name, title, description, effect, inputSchema, contentSchema }) => ({
    name,
    title,
    description,
    // Our schemas are plain JSON Schema objects with `type: "object"`: MCP's `inputSchema` as is (only readonly in our types).
    inputSchema: inputSchema as unknown as Tool['inputSchema'],
    outputSchema: {
      type: 'object',
      properties: { summary: { type: 'string' }, content: contentSchema, inbound: INBOUND_SCHEMA },
      required: ['summary'],
      additionalProperties: false,
    },
    // `title` here too: clients of the 2025-03-26 revision read it from the annotations.
    annotations: { title, ...HINTS[effect] },
  }));
}

/** An error result has no output schema to meet, so only a success carries `structuredContent`. */
export function mcpToolResult(result: ToolResult, inbound: InboundBlock | undefined): CallToolResult {
  const json = toolResultJson(result);
  const content: CallToolResult['content'] = [{ type: 'text', text: JSON.stringify(json) }];
  if (inbound) content.push({ type: 'text', text: JSON.stringify({ inbound }) });
  if (!result.ok) return { content, isError: true };
  return { content, structuredContent: { ...json, ...(inbound ? { inbound } : {}) } };
}
