import { Server } from '@modelcontextprotocol/server';
import type { ToolListing } from '../../application/tools/pod-tools.js';
import { executionFailed } from '../../application/tools/tool-result.js';
import type { Lease } from '../../domain/pod-status.js';
import { mcpToolResult, mcpTools } from './mcp-tools.js';

const HOLDER: Readonly<Record<Lease['driver'], string>> = {
  mcp: 'another agent drives it over MCP (its `pods mcp`)',
  acp: 'that host runs it with a coding agent (a TUI or `pods serve`)',
  model: 'that host runs its model (a TUI or `pods serve`)',
};

export function heldPodReason(lease: Lease): string {
  return (
    `this MCP server cannot act as \`${lease.pod}\`: it is live on ${lease.hostId}, where ${HOLDER[lease.driver]}, ` +
    `with a lease until ${lease.expiresAt.toISOString()}. To free it, stop that host (end the other agent's session, ` +
    `quit that TUI, or stop that \`pods serve\`); a host that died loses its lease when it expires. ` +
    `Then restart this MCP server (reconnect it in your client); \`pods ls\` shows who holds each Pod.`
  );
}

/** The tools are listed as ever, so the client shows the server and its agent learns why; nothing runs as the Pod. */
export function createRefusingMcpServer(options: { readonly listings: readonly ToolListing[]; readonly reason: string; readonly version: string }) {
  const { reason } = options;
  const server = new Server(
    { name: 'pods', version: options.version },
    { capabilities: { tools: {} }, instructions: `The pods tools are listed, but every call fails: ${reason}` },
  );
  const listed = mcpTools(options.listings);
  server.setRequestHandler('tools/list', async () => ({ tools: listed }));
  server.setRequestHandler('tools/call', async () => mcpToolResult(executionFailed(reason), undefined));
  return { server, settle: async () => undefined };
}
