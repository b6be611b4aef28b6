import { toolResultJson, type ToolResult } from '../../../application/tools/tool-result.js';
import { err, ok } from '../../../domain/result.js';
import { podNameArg } from '../../presentation/argument-readers.js';
import type { TextOutput } from '../../presentation/text-output.js';
import { EXIT } from '../../process-io.js';
import type { CliCommand } from '../cli-command.js';
import { positionalArgs } from '../command-args.js';

export const toolCommand: CliCommand = {
  name: 'tool',
  usage: 'tool NAME TOOL JSON',
  summary: 'run one LLM tool as Pod NAME and print its JSON result',
  details:
    'Runs TOOL with the input JSON exactly as if Pod NAME\'s model had called it, with the same\n' +
    'authority checks. Tools: SpawnPod, SendToPod, ReadPodOutput, StopPod, ListPods, RestorePod,\n' +
    'SendToPeerPod.\n\n' +
    'Prints on stdout {"summary": "...", "content": ...} (content only when the tool has any),\n' +
    'or on a tool error {"error": {"kind": "invalid_argument" | "execution_failed", "message": "..."}}.\n' +
    'A NAME that names no Pod is an execution_failed tool error.\n\n' +
    'A Pod the tool starts (SpawnPod, RestorePod) runs in this process until its turns end,\n' +
    'with a note on stderr; it is then stopped and restorable. Ctrl+C stops it sooner.\n\n' +
    'Exit codes: 0 the tool succeeded; 1 tool error; 2 usage error (bad NAME, JSON that does\n' +
    'not parse) or store error.',
  parse(args) {
    const positionals = positionalArgs(args, ['NAME', 'TOOL', 'JSON']);
    if (!positionals.ok) return positionals;
    const [rawName = '', tool = '', rawInput = ''] = positionals.value;
    const caller = podNameArg(rawName);
    if (!caller.ok) return caller;
    let input: unknown;
    try {
      input = JSON.parse(rawInput);
    } catch (error) {
      return err(`the JSON input does not parse: ${error instanceof Error ? error.message : String(error)}`);
    }
    return ok(async ({ app, out, io }) => {
      // For the length of the command this process is a host: a Pod the tool starts
      // (SpawnPod, RestorePod) runs here until its turns settle, then is handed back stopped.
      const { runtime } = app;
      runtime.start();
      const code = printResult(out, await app.tools.execute(caller.value, tool, input));
      const hosted = runtime.running();
      if (hosted.length > 0) {
        out.fail(`running ${hosted.map((p) => `\`${p}\``).join(', ')} here until its turn ends (Ctrl+C stops it)`);
        const offInt = io.onSignal('SIGINT', () => void runtime.shutdown());
        try {
          await runtime.settle();
        } finally {
          offInt();
        }
      }
      return code;
    });
  },
};

function printResult(out: TextOutput, result: ToolResult): 0 | 1 {
  out.json(toolResultJson(result));
  return result.ok ? EXIT.ok : EXIT.refused;
}
