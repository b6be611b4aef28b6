import { injectable } from 'inversify';
import { labelledInput, type InputEntry } from '../../application/model-transcript.js';
import type { Model, ModelReply, ModelRequest } from '../../application/ports/model.js';
import type { EntryOf, HistoryEntry } from '../../domain/history-entry.js';
import { INPUT_KINDS, unansweredInput } from '../../domain/turn-trigger.js';

const TOOL_COMMAND = /^\/tool(?:\s+(\S+)(?:\s+([\s\S]*))?)?$/;

/** Offline and deterministic: `/tool <ToolName> <json>` drives the whole tool surface with no language model (ADR 0003). */
@injectable()
export class BuiltinModel implements Model {
  readonly label = 'builtin';

  async complete(request: ModelRequest): Promise<ModelReply> {
    if (request.signal?.aborted) return { ok: false, error: 'model request cancelled' };
    const results = trailingResults(request.history);
    if (results.length > 0) return say(results.map(describeResult).join('\n'));
    // A notice never starts a turn, but when one is the newest entry it is what is new.
    const newest = request.history.at(-1);
    const tools = request.tools.map((t) => t.name);
    if (newest?.kind === 'notice') return answer(newest, tools);
    // Every input since the last answer, in order: two `/tool` lines typed in one turn are two calls, none dropped.
    const inputs = unansweredInput(request.history).filter((e): e is InputEntry => INPUT_KINDS.has(e.kind));
    if (inputs.length === 0) return say('Nothing new to answer.');
    const replies = inputs.map((input) => answer(input, tools));
    return { ok: true, text: replies.flatMap((r) => (r.ok && r.text !== '' ? [r.text] : [])).join('\n'), toolCalls: replies.flatMap((r) => (r.ok ? r.toolCalls : [])) };
  }
}

const say = (text: string): ModelReply => ({ ok: true, text, toolCalls: [] });

function trailingResults(history: readonly HistoryEntry[]): EntryOf<'tool_result'>[] {
  const results: EntryOf<'tool_result'>[] = [];
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i];
    if (entry?.kind !== 'tool_result') break;
    results.unshift(entry);
  }
  return results;
}

function describeResult(entry: EntryOf<'tool_result'>): string {
  return entry.outcome === 'ok' ? `${entry.tool} → ${entry.summary}` : `${entry.tool} failed (${entry.outcome}): ${entry.summary}`;
}

function answer(entry: InputEntry, tools: readonly string[]): ModelReply {
  switch (entry.kind) {
    case 'user_input': {
      // Only input with authority to steer this Pod (its operator or its parent) runs tools;
      // a peer can talk to it but never drive its tool surface.
      const command = TOOL_COMMAND.exec(entry.text.trim());
      if (command) return toolCall(entry.seq, command[1], command[2], tools);
      return say(entry.origin.type === 'operator' ? `You said: ${entry.text}` : `Received from parent \`${entry.origin.parent}\`: ${entry.text}`);
    }
    case 'peer_message':
      return say(`Received peer message #${entry.pairSeq} from \`${entry.from}\`: ${entry.body}`);
    case 'pod_event':
    case 'notice':
      return say(`Acknowledged. ${labelledInput(entry)}`);
  }
}

/** Unknown tool names pass through: the tool surface's own typed error is the better answer. */
function toolCall(seq: number, tool: string | undefined, json: string | undefined, tools: readonly string[]): ModelReply {
  if (tool === undefined) return say(usage('a tool name is missing', tools));
  let input: unknown = {};
  if (json !== undefined) {
    try {
      input = JSON.parse(json);
    } catch (error) {
      return say(usage(`the input is not valid JSON (${error instanceof Error ? error.message : String(error)})`, tools));
    }
  }
  return { ok: true, text: '', toolCalls: [{ callId: `call_${seq}`, tool, input }] };
}

function usage(problem: string, tools: readonly string[]): string {
  const known = tools.length > 0 ? ` Tools: ${tools.join(', ')}.` : '';
  return `Cannot run that: ${problem}. Expected \`/tool <ToolName> <json>\`, e.g. \`/tool ListPods {}\`.${known}`;
}
