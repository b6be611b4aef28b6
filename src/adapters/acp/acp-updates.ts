import type { SessionUpdate, ToolCallContent } from '@agentclientprotocol/sdk/unstable';
import type { AgentUpdate } from '../../application/ports/coding-agents.js';

/** An ACP `session/update` in pods' terms; undefined for what pods does not record (plans, thoughts, usage, modes…). */
export function agentUpdateOf(update: SessionUpdate): AgentUpdate | undefined {
  switch (update.sessionUpdate) {
    case 'agent_message_chunk':
      return update.content.type === 'text' ? { type: 'text', delta: update.content.text } : undefined;
    case 'tool_call':
    case 'tool_call_update': {
      const output = contentText(update.content ?? undefined) ?? rawOutputText(update.rawOutput);
      return {
        type: 'tool',
        callId: update.toolCallId,
        ...(update.title ? { title: update.title } : {}),
        ...(update.kind ? { toolKind: update.kind } : {}),
        ...(update.locations ? { locations: update.locations.map((l) => l.path) } : {}),
        ...(update.status ? { status: update.status } : {}),
        ...(update.rawInput !== undefined ? { input: update.rawInput } : {}),
        ...(output !== undefined ? { output } : {}),
      };
    }
    default:
      return undefined;
  }
}

function contentText(content: readonly ToolCallContent[] | undefined): string | undefined {
  if (!content || content.length === 0) return undefined;
  return content
    .map((part) => {
      switch (part.type) {
        case 'content':
          return part.content.type === 'text' ? part.content.text : `[${part.content.type}]`;
        case 'diff':
          return `[diff of ${part.path}]\n${part.newText}`;
        case 'terminal':
          return `[terminal ${part.terminalId}]`;
        default:
          return '';
      }
    })
    .join('\n');
}

/** Codex sends no content for commands, only this `rawOutput`; other agents' `rawOutput` repeats their content. */
const RAW_OUTPUT_FIELDS = ['formatted_output', 'aggregated_output', 'stdout', 'stderr'] as const;

function rawOutputText(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const fields = raw as Record<string, unknown>;
  for (const field of RAW_OUTPUT_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}
