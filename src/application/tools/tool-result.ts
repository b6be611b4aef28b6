/** `invalid_argument`: the caller can fix it. `execution_failed`: the system could not do it. */
export type ToolErrorKind = 'invalid_argument' | 'execution_failed';

export type ToolResult =
  | { readonly ok: true; readonly summary: string; readonly content?: unknown }
  | { readonly ok: false; readonly kind: ToolErrorKind; readonly message: string };

export const toolOk = (summary: string, content?: unknown): ToolResult =>
  content === undefined ? { ok: true, summary } : { ok: true, summary, content };
export const invalidArgument = (message: string): ToolResult => ({ ok: false, kind: 'invalid_argument', message });
export const executionFailed = (message: string): ToolResult => ({ ok: false, kind: 'execution_failed', message });

/** One wire shape: what a model is sent, what `pods tool` and `:tool` print, and an MCP tool result's text. */
export type ToolResultJson =
  | { readonly summary: string; readonly content?: unknown }
  | { readonly error: { readonly kind: string; readonly message: string } };

export function toolResultJson(result: ToolResult): ToolResultJson {
  if (!result.ok) return { error: { kind: result.kind, message: result.message } };
  return result.content === undefined ? { summary: result.summary } : { summary: result.summary, content: result.content };
}
