/**
 * The loopback model server's agent-neutral view of one request and its reply. Each wire API
 * (Anthropic Messages, OpenAI Responses, Chat Completions, Gemini) parses into a `ModelRequest` and
 * renders a `ModelReply`, so a test script never sees which agent or API is on the other side.
 */

export type ModelApi = 'anthropic-messages' | 'openai-responses' | 'chat-completions' | 'gemini';

/** One item of the conversation so far, oldest first, as the agent sent it. */
export type ConversationItem =
  | { readonly kind: 'text'; readonly role: 'system' | 'user' | 'assistant'; readonly text: string }
  | { readonly kind: 'tool_call'; readonly callId: string; readonly name: string; readonly input: unknown }
  | { readonly kind: 'tool_result'; readonly callId: string; readonly output: string; readonly isError: boolean };

/**
 * A tool the agent offered. `name` is the flat name the model calls it by (Codex's MCP tools
 * come inside a namespace: `mcp__echo` + `Echo` is offered as `mcp__echo__Echo`).
 */
export type OfferedTool = {
  readonly name: string;
  /**
   * How the agent wants it called: a JSON function, a free-form text tool (Codex's `apply_patch`),
   * or a search that loads tools the agent deferred (Codex's `tool_search`: with a model whose
   * metadata allows it, Codex offers MCP tools only once the model searched for them).
   */
  readonly form: 'function' | 'freeform' | 'search';
  readonly namespace?: string;
  readonly localName?: string;
  readonly inputSchema?: unknown;
};

export type ModelRequest = {
  readonly api: ModelApi;
  readonly model: string;
  readonly stream: boolean;
  readonly items: readonly ConversationItem[];
  readonly tools: readonly OfferedTool[];
  /** A request that offers no tools is the agent's housekeeping (titles, summaries), not a turn. */
  readonly housekeeping: boolean;
  /** The request body as parsed JSON. */
  readonly raw: unknown;
};

export type ToolCall = { readonly name: string; readonly input: unknown };

export type ModelReply =
  /** Text, streamed in `chunks` pieces (at least one), `paceMs` apart when given (a slow stream). */
  | { readonly kind: 'text'; readonly text: string; readonly chunks?: number; readonly paceMs?: number }
  /** Tool calls, optionally after some text; the agent runs them and sends their results. */
  | { readonly kind: 'tool_calls'; readonly calls: readonly ToolCall[]; readonly text?: string }
  /**
   * Starts a streamed answer with `text` and never ends it: the response stays open until the
   * agent gives up on it (a cancel) or the server closes. For cancel tests.
   */
  | { readonly kind: 'hang'; readonly text: string }
  /** An HTTP error the API would send, e.g. 500 or 429. */
  | { readonly kind: 'error'; readonly status: number; readonly message: string };

/** Decides the next reply from the request alone; called once per request. */
export type ModelScript = (request: ModelRequest) => ModelReply | Promise<ModelReply>;

/** The newest user text, the one a turn answers (tool results are not user text). */
export function latestUserText(request: ModelRequest): string | undefined {
  for (let i = request.items.length - 1; i >= 0; i--) {
    const item = request.items[i];
    if (item?.kind === 'text' && item.role === 'user') return item.text;
  }
  return undefined;
}
