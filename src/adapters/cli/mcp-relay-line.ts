import { displayValue } from '../../domain/display.js';
import { EXIT, type ExitCode } from '../process-io.js';

/**
 * `pods mcp-relay SOCKET` is no command of the list (not for users): main.ts runs it before
 * anything else loads, so an agent's tool server starts fast. Its own help and usage error
 * still keep the CLI's promises (`--help` after any command, exit 2 with the command named).
 */
export type McpRelayLine =
  | { readonly type: 'relay'; readonly socket: string }
  | { readonly type: 'help' }
  | { readonly type: 'usage'; readonly got: readonly string[] };

export function parseMcpRelayLine(args: readonly string[]): McpRelayLine {
  if (args.some((a) => a === '--help' || a === '-h')) return { type: 'help' };
  const [socket, ...extra] = args;
  return socket !== undefined && extra.length === 0 ? { type: 'relay', socket } : { type: 'usage', got: args };
}

export const MCP_RELAY_HELP = [
  'Usage: pods mcp-relay SOCKET',
  '',
  'The MCP server an agent-driven Pod\'s agent starts: not for you. The host puts this command',
  'line in the agent\'s session; it relays bytes between stdin/stdout and the host\'s per-Pod',
  'socket SOCKET, and loads no store.',
  '',
  'Exit codes: 0 the relay ended; 1 the socket could not be reached; 2 usage error.',
].join('\n');

export const describeMcpRelayUsage = (got: readonly string[]): string =>
  `pods mcp-relay: expected 1 argument (SOCKET), got ${got.length === 0 ? 'none' : got.map((a) => `\`${displayValue(a)}\``).join(' ')}; see \`pods mcp-relay --help\``;

/** What main.ts does for a line that is not a relay: print, and the exit code. */
export function answerMcpRelayLine(line: Exclude<McpRelayLine, { type: 'relay' }>, out: { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void }): ExitCode {
  if (line.type === 'help') {
    out.stdout(`${MCP_RELAY_HELP}\n`);
    return EXIT.ok;
  }
  out.stderr(`${describeMcpRelayUsage(line.got)}\n`);
  return EXIT.usage;
}
