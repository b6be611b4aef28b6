import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The script that `echoMcpServer` starts: next to this file, so it resolves the project's `@modelcontextprotocol/server`. */
export const ECHO_MCP_SCRIPT = fileURLToPath(new URL('./echo-mcp-server.mjs', import.meta.url));

/** The ACP `McpServer` entry (stdio) that makes an agent start the echo server, logging to `logFile`. */
export function echoMcpServer(logFile: string, name = 'echo') {
  return { name, command: process.execPath, args: [ECHO_MCP_SCRIPT, logFile], env: [] as { name: string; value: string }[] };
}

export type EchoLog = { readonly pids: readonly number[]; readonly calls: readonly { readonly call: string; readonly arguments: Record<string, unknown> }[] };

/** What the echo servers logging to `logFile` did: the pids they ran as and the calls they got. */
export function readEchoLog(logFile: string): EchoLog {
  let raw = '';
  try {
    raw = readFileSync(logFile, 'utf8');
  } catch {
    return { pids: [], calls: [] };
  }
  const lines = raw.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { started?: number; call?: string; arguments?: Record<string, unknown> });
  return {
    pids: lines.flatMap((l) => (l.started !== undefined ? [l.started] : [])),
    calls: lines.flatMap((l) => (l.call !== undefined ? [{ call: l.call, arguments: l.arguments ?? {} }] : [])),
  };
}
