import type { ModelRequest, OfferedTool, ToolCall } from './model-exchange.js';

/**
 * What a test wants the agent to do, in agent-neutral terms; `resolveIntent` turns it into the
 * tool call the agent on the other side understands, chosen from the tools it offered.
 */
export type ToolIntent =
  /** Create or overwrite a file (an absolute path) with the agent's own file tool. */
  | { readonly kind: 'write_file'; readonly path: string; readonly content: string }
  /** Run a shell command with the agent's own shell tool. */
  | { readonly kind: 'shell'; readonly command: string }
  /** Call tool `tool` of the MCP server the client named `server` in `session/new`. */
  | { readonly kind: 'mcp'; readonly server: string; readonly tool: string; readonly input: Record<string, unknown> }
  /** A tool call by its exact name, for what the intents above do not cover. */
  | { readonly kind: 'raw'; readonly name: string; readonly input: unknown };

export const writeFile = (path: string, content: string): ToolIntent => ({ kind: 'write_file', path, content });
export const runShell = (command: string): ToolIntent => ({ kind: 'shell', command });
export const callMcpTool = (server: string, tool: string, input: Record<string, unknown>): ToolIntent => ({ kind: 'mcp', server, tool, input });
export const callTool = (name: string, input: unknown): ToolIntent => ({ kind: 'raw', name, input });

/** Codex's `apply_patch` grammar: a new file is `*** Add File:` followed by its lines, each prefixed with `+`. */
export function addFilePatch(path: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  return ['*** Begin Patch', `*** Add File: ${path}`, ...lines.map((line) => `+${line}`), '*** End Patch', ''].join('\n');
}

type Candidate = { readonly name: string; readonly input: (tool: OfferedTool) => unknown };

/** Each agent's tools for an intent, by the names they offer (first offered wins). */
function candidates(intent: ToolIntent): Candidate[] {
  switch (intent.kind) {
    case 'write_file': {
      const { path, content } = intent;
      const patch = addFilePatch(path, content);
      return [
        { name: 'Write', input: () => ({ file_path: path, content }) }, // Claude Code
        { name: 'write', input: () => ({ filePath: path, content }) }, // opencode
        { name: 'write_file', input: () => ({ file_path: path, content }) }, // Gemini CLI
        { name: 'apply_patch', input: (tool) => (tool.form === 'freeform' ? patch : { input: patch }) }, // Codex
      ];
    }
    case 'shell': {
      const { command } = intent;
      const description = 'Runs the command the test asked for';
      return [
        { name: 'Bash', input: () => ({ command, description }) }, // Claude Code
        { name: 'bash', input: () => ({ command, description }) }, // opencode
        { name: 'run_shell_command', input: () => ({ command, description }) }, // Gemini CLI
        { name: 'exec_command', input: () => ({ cmd: command }) }, // Codex, unified exec
        { name: 'shell_command', input: () => ({ command }) }, // Codex, older models
        { name: 'shell', input: () => ({ command: ['bash', '-lc', command] }) }, // Codex, oldest
      ];
    }
    case 'mcp': {
      const { server, tool, input } = intent;
      // opencode joins server and tool with one underscore after replacing what a tool name may not hold.
      const opencode = `${server}_${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_');
      return [
        { name: `mcp__${server}__${tool}`, input: () => input }, // Claude Code, Codex
        { name: opencode, input: () => input },
        { name: `mcp_${server}_${tool}`, input: () => input }, // Gemini CLI 0.61
        { name: `${server}__${tool}`, input: () => input }, // older Gemini CLI on a name clash
        { name: tool, input: () => input }, // older Gemini CLI
      ];
    }
    case 'raw':
      return [{ name: intent.name, input: () => intent.input }];
  }
}

/**
 * The call that carries out `intent` with the tools `request` offered. An MCP tool the agent
 * deferred behind a search tool is searched for first (the search's result offers it to the
 * next request, and that request gets the call). Throws naming what was offered if none fits.
 */
export function resolveIntent(intent: ToolIntent, request: Pick<ModelRequest, 'tools'>): ToolCall {
  for (const candidate of candidates(intent)) {
    const tool = request.tools.find((offered) => offered.name === candidate.name);
    if (tool) return { name: tool.name, input: candidate.input(tool) };
  }
  const search = request.tools.find((offered) => offered.form === 'search');
  // The server's name and the tool's: Codex ranks its deferred tools by both (BM25).
  if (search && intent.kind === 'mcp') return { name: search.name, input: { query: `${intent.server} ${intent.tool}`, limit: 20 } };
  throw new Error(`no offered tool carries out ${JSON.stringify(intent)}; offered: ${request.tools.map((t) => t.name).join(', ')}`);
}
