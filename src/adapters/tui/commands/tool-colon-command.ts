import { toolResultJson } from '../../../application/tools/tool-result.js';
import { err, ok } from '../../../domain/result.js';
import type { ColonCommand } from '../colon-command.js';

// JSON.stringify leaves these as they are; a terminal would act on them.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export const toolColonCommand: ColonCommand = {
  name: 'tool',
  params: [{ name: 'Tool', completes: 'tool' }, { name: 'json', optional: true, rest: true }],
  summary: 'run one LLM tool as the attached Pod and print its JSON result',
  details:
    'Runs <Tool> with the input <json> (default {}) exactly as if the attached Pod\'s model had\n' +
    'called it, with the same authority checks, and prints the result as one line of JSON, as\n' +
    '`pods tool` does: {"summary", "content"} or {"error": {"kind", "message"}}. No model is\n' +
    'involved and nothing is added to the attached Pod\'s history; the tool\'s own effects are\n' +
    '(a peer message lands in the peer\'s history). Tools: SpawnPod, SendToPod, ReadPodOutput,\n' +
    'StopPod, ListPods, RestorePod, SendToPeerPod. To have the Pod call a tool in a turn of its\n' +
    'own, type `/tool <Tool> <json>` as a message (built-in model).',
  parse([tool = '', raw = '{}']) {
    let input: unknown;
    try {
      input = JSON.parse(raw);
    } catch (error) {
      return err(`the JSON input does not parse: ${error instanceof Error ? error.message : String(error)}`);
    }
    return ok(async (session) => {
      const result = await session.app.tools.execute(session.attached, tool, input);
      session.say(jsonLine(toolResultJson(result)), result.ok ? 'ok' : 'failed');
    });
  },
};

function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
