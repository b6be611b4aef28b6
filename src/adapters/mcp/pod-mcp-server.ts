import { Server, type CallToolResult, type Tool } from '@modelcontextprotocol/server';
import type { PodTools } from '../../application/tools/pod-tools.js';
import type { ToolResult } from '../../application/tools/tool-result.js';
import type { InboundEntry, TakeUnseenInbound } from '../../application/use-cases/take-unseen-inbound.js';
import type { PodName } from '../../domain/pod-name.js';

/** How much inbound history one tool result carries; the rest waits for the next call. */
export const INBOUND_LIMITS = { maxEntries: 20, maxBytes: 32 * 1024 } as const;

export type PodMcpServerOptions = {
  /** The Pod every tool acts as: fixed by whoever started the server, never by the client. */
  readonly pod: PodName;
  readonly tools: PodTools;
  readonly inbound: TakeUnseenInbound;
  readonly version: string;
  readonly limits?: { readonly maxEntries: number; readonly maxBytes: number };
};

const INSTRUCTIONS = (pod: PodName): string =>
  `You act as the pods Pod \`${pod}\`, with exactly its authority. The tools are the Pod tools ` +
  `(SpawnPod, SendToPod, ReadPodOutput, StopPod, ListPods, RestorePod, SendToPeerPod). ` +
  `Every tool result may end with an "inbound" block: entries of \`${pod}\`'s history you have not been ` +
  `shown yet (peer messages with their verified sender, child events, notices, operator input), oldest first, ` +
  `each shown once. Call ListPods to check for new inbound entries without doing anything else.`;

/**
 * The MCP face of one Pod: `tools/list` is `PodTools.specs()` as it is (names, descriptions
 * and JSON Schemas: one definition), `tools/call` runs `PodTools.execute` as the Pod and
 * appends the inbound entries the agent has not seen. No prompts, no resources.
 */
export type PodMcpServer = {
  readonly server: Server;
  /** Resolves once no tool call is in flight, so the store can close under none. */
  readonly settle: () => Promise<void>;
};

export function createPodMcpServer(options: PodMcpServerOptions): PodMcpServer {
  const { pod, tools, inbound } = options;
  const inFlight = new Set<Promise<unknown>>();
  const limits = options.limits ?? INBOUND_LIMITS;
  const server = new Server({ name: 'pods', version: options.version }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS(pod) });
  // Our schemas are plain JSON Schema objects with `type: "object"`: MCP's `inputSchema` as is (only readonly in our types).
  const listed: Tool[] = tools.specs().map(({ name, description, inputSchema }) => ({ name, description, inputSchema: inputSchema as unknown as Tool['inputSchema'] }));
  server.setRequestHandler('tools/list', async () => ({ tools: listed }));
  server.setRequestHandler('tools/call', (request) => {
    const { name, arguments: args } = request.params;
    const call = (async (): Promise<CallToolResult> => {
      const result = await tools.execute(pod, name, args ?? {});
      const content: CallToolResult['content'] = [{ type: 'text', text: resultText(result) }];
      const unseen = await takeInbound(inbound, pod, limits);
      if (unseen) content.push({ type: 'text', text: unseen });
      return result.ok ? { content } : { content, isError: true };
    })();
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call)).catch(() => undefined);
    return call;
  });
  return {
    server,
    settle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** Exactly what `pods tool` prints for the same result. */
export function resultText(result: ToolResult): string {
  const value = result.ok
    ? result.content === undefined
      ? { summary: result.summary }
      : { summary: result.summary, content: result.content }
    : { error: { kind: result.kind, message: result.message } };
  return JSON.stringify(value, null, 2);
}

async function takeInbound(inbound: TakeUnseenInbound, pod: PodName, limits: { readonly maxEntries: number; readonly maxBytes: number }): Promise<string | undefined> {
  let taken: Awaited<ReturnType<TakeUnseenInbound['execute']>>;
  try {
    taken = await inbound.execute({ pod, ...limits });
  } catch {
    // The store failed after the tool ran: the cursor did not move, so the entries come with a later result.
    return undefined;
  }
  if (!taken.ok || taken.value.entries.length === 0) return undefined;
  const { entries, waiting } = taken.value;
  return JSON.stringify({ inbound: { pod, entries: entries.map(inboundJson), waiting } }, null, 2);
}

/** The `pods history --json` shape of an entry, without what is the same for every one (the Pod) or internal (seenThrough). */
export function inboundJson(entry: InboundEntry): Record<string, unknown> {
  const { seq, kind, at, pod: _pod, ...rest } = entry;
  const { seenThrough: _seen, ...fields } = rest as typeof rest & { seenThrough?: number };
  return { seq, kind, at: at.toISOString(), ...fields };
}
