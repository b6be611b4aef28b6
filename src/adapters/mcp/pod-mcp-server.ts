import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, Server, type CallToolResult, type ReadResourceResult } from '@modelcontextprotocol/server';
import type { PodEvents } from '../../application/ports/pod-events.js';
import type { PodTools } from '../../application/tools/pod-tools.js';
import { toolResultJson, type ToolResult } from '../../application/tools/tool-result.js';
import type { ReadHistory } from '../../application/use-cases/read-history.js';
import type { InboundEntry, TakeUnseenInbound } from '../../application/use-cases/take-unseen-inbound.js';
import { MAX_WAIT_MS } from '../../application/use-cases/wait-for-inbound.js';
import type { PodName } from '../../domain/pod-name.js';
import { entryJson } from '../presentation/render-entry.js';
import { coalescedCommits } from './coalesced-commits.js';
import { mcpToolResult, mcpTools, type InboundBlock } from './mcp-tools.js';

/** How much inbound history one tool result carries; the rest waits for the next call. */
export const INBOUND_LIMITS = { maxEntries: 20, maxBytes: 32 * 1024 } as const;
/** At most one `notifications/resources/updated` per this many milliseconds: a burst of commits is one notice. */
export const UPDATE_COALESCE_MS = 100;
/** Claude Code's experimental channel: a server that declares it may push `<channel>` events into the session. */
export const CLAUDE_CHANNEL = { capability: 'claude/channel', method: 'notifications/claude/channel' } as const;
/** At most one channel hint per this many milliseconds: each one costs the agent a turn. */
export const HINT_COALESCE_MS = 1_000;

export type PodMcpServerOptions = {
  /** The Pod every tool acts as: fixed by whoever started the server, never by the client. */
  readonly pod: PodName;
  readonly tools: PodTools;
  /** Given (`pods mcp`), results carry the unseen inbound entries; absent, the host brings each input as a prompt. */
  readonly inbound?: TakeUnseenInbound;
  readonly version: string;
  readonly profiles?: readonly string[];
  readonly limits?: { readonly maxEntries: number; readonly maxBytes: number };
  /** With `events`: the read-only history resources and subscriptions to them; without, tools only. */
  readonly history?: ReadHistory;
  readonly events?: PodEvents;
  /** With `events`: a `claude/channel` wake-up hint on commits; it carries no entry and never counts as delivery. */
  readonly claudeChannel?: boolean;
  /** What the client (a Pod's agent) holds: every call runs with them, so PodTools masks them from all it writes. */
  readonly secrets?: readonly string[];
};

const INSTRUCTIONS = (pod: PodName): string =>
  `You act as the pods Pod \`${pod}\`, with exactly its authority. The tools are the Pod tools ` +
  `(SpawnPod, SendToPod, ReadPodOutput, StopPod, ListPods, RestorePod, SendToPeerPod). ` +
  `Every tool result may end with an "inbound" block: entries of \`${pod}\`'s history you have not been ` +
  `shown yet (peer messages with their verified sender, child events, notices, operator input), oldest first, ` +
  `each shown once. With nothing else to do, call ListPods with \`wait_ms\` (at most ${MAX_WAIT_MS}) to wait for ` +
  `new input: it answers as soon as some arrives, and the inbound block carries it.`;

const HOSTED_INSTRUCTIONS = (pod: PodName): string =>
  `You act as the pods Pod \`${pod}\`, with exactly its authority. The tools are the Pod tools ` +
  `(SpawnPod, SendToPod, ReadPodOutput, StopPod, ListPods, RestorePod, SendToPeerPod). New input for \`${pod}\` ` +
  `(peer messages with their verified sender, child events, operator input) comes to you as your next prompt.`;

const HINT = (pod: PodName): string =>
  `New entries were committed to the history of \`${pod}\`. Call ListPods (or any pods tool) to receive them, ` +
  `with their verified senders, in the result's inbound block.`;

/** `PodTools` as they are (one definition), run as the Pod. Reading history resources never moves the inbound cursor. */
export type PodMcpServer = {
  readonly server: Server;
  readonly settle: () => Promise<void>;
};

export function createPodMcpServer(options: PodMcpServerOptions): PodMcpServer {
  const { pod, tools, inbound } = options;
  const inFlight = new Set<Promise<unknown>>();
  const limits = options.limits ?? INBOUND_LIMITS;
  const resources = options.history && options.events ? { history: options.history, events: options.events } : undefined;
  const hintEvents = options.claudeChannel ? options.events : undefined;
  const server = new Server(
    { name: 'pods', version: options.version },
    {
      capabilities: {
        tools: {},
        ...(resources ? { resources: { subscribe: true } } : {}),
        ...(hintEvents ? { experimental: { [CLAUDE_CHANNEL.capability]: {} } } : {}),
      },
      instructions: inbound ? INSTRUCTIONS(pod) : HOSTED_INSTRUCTIONS(pod),
    },
  );
  const listed = mcpTools(tools.specs(options.profiles));
  server.setRequestHandler('tools/list', async () => ({ tools: listed }));
  const closing = new AbortController();
  server.setRequestHandler('tools/call', (request, ctx) => {
    const { name, arguments: args } = request.params;
    const call = (async (): Promise<CallToolResult> => {
      // What the agent has seen is what the inbound cursor says it was shown: a wait ends on anything newer.
      const signal = AbortSignal.any([closing.signal, ctx.mcpReq.signal]);
      const result = await tools.execute(pod, name, args ?? {}, { seen: 'inbound_cursor', signal, ...(options.secrets ? { secrets: options.secrets } : {}) });
      // A cancelled call's answer is never read: taking entries into it would lose them.
      const unseen = signal.aborted || !inbound ? undefined : await takeInbound(inbound, pod, limits);
      return mcpToolResult(result, unseen);
    })();
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call)).catch(() => undefined);
    return call;
  });
  const stopUpdates = resources ? serveHistoryResources(server, pod, resources.history, resources.events) : () => undefined;
  const hints = hintEvents ? coalescedCommits(hintEvents, pod, HINT_COALESCE_MS, () => {
    void server.notification({ method: CLAUDE_CHANNEL.method, params: { content: HINT(pod), meta: { pod } } }).catch(() => undefined);
  }) : undefined;
  if (hints) server.oninitialized = hints.start;
  server.onclose = () => {
    closing.abort();
    stopUpdates();
    hints?.stop();
  };
  return {
    server,
    settle: async () => {
      closing.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export const historyUri = (pod: PodName): string => `pods://${pod}/history`;
export const historyEntryUri = (pod: PodName, seq: number): string => `${historyUri(pod)}/${seq}`;

/** Only the served Pod's URIs are answered; any other is refused with the same message whether or not the Pod it names exists. */
function serveHistoryResources(server: Server, pod: PodName, history: ReadHistory, events: PodEvents): () => void {
  const whole = historyUri(pod);
  const unknown = (uri: string) => new ResourceNotFoundError(uri, `unknown resource ${uri}; this server serves only ${whole} and ${whole}/{seq}`);
  server.setRequestHandler('resources/list', async () => ({
    resources: [{ uri: whole, name: `${pod} history`, description: `The committed history of the Pod \`${pod}\`, oldest first (the \`pods history --json\` array).`, mimeType: 'application/json' }],
  }));
  server.setRequestHandler('resources/templates/list', async () => ({
    resourceTemplates: [{ uriTemplate: `${whole}/{seq}`, name: `${pod} history entry`, description: `One entry of the history of \`${pod}\` by its sequence number (from 1).`, mimeType: 'application/json' }],
  }));
  server.setRequestHandler('resources/read', async (request): Promise<ReadResourceResult> => {
    const { uri } = request.params;
    const text = (value: unknown): ReadResourceResult => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] });
    if (uri === whole) {
      const read = await history.execute({ pod });
      if (!read.ok) throw unknown(uri);
      return text(read.value.map(entryJson));
    }
    const seqText = uri.startsWith(`${whole}/`) ? uri.slice(whole.length + 1) : undefined;
    if (seqText === undefined || !/^[1-9][0-9]{0,15}$/.test(seqText)) throw unknown(uri);
    const seq = Number(seqText);
    const read = await history.execute({ pod, after: seq - 1, limit: 1 });
    const entry = read.ok ? read.value[0] : undefined;
    if (!entry || entry.seq !== seq) throw new ResourceNotFoundError(uri, `no entry ${seq} in the history of \`${pod}\``);
    return text(entryJson(entry));
  });

  const updates = coalescedCommits(events, pod, UPDATE_COALESCE_MS, () => {
    void server.notification({ method: 'notifications/resources/updated', params: { uri: whole } }).catch(() => undefined);
  });
  const refuseOther = (uri: string) => {
    if (uri !== whole) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `cannot subscribe to ${uri}; this server offers subscriptions only to ${whole}`);
  };
  server.setRequestHandler('resources/subscribe', async (request) => {
    refuseOther(request.params.uri);
    updates.start();
    return {};
  });
  server.setRequestHandler('resources/unsubscribe', async (request) => {
    refuseOther(request.params.uri);
    updates.stop();
    return {};
  });
  return updates.stop;
}

/** The JSON `pods tool` prints for the same result, compact (a model pays for every space). */
export function resultText(result: ToolResult): string {
  return JSON.stringify(toolResultJson(result));
}

async function takeInbound(inbound: TakeUnseenInbound, pod: PodName, limits: { readonly maxEntries: number; readonly maxBytes: number }): Promise<InboundBlock | undefined> {
  let taken: Awaited<ReturnType<TakeUnseenInbound['execute']>>;
  try {
    taken = await inbound.execute({ pod, ...limits });
  } catch {
    // The store failed after the tool ran: the cursor did not move, so the entries come with a later result.
    return undefined;
  }
  if (!taken.ok || taken.value.entries.length === 0) return undefined;
  const { entries, waiting } = taken.value;
  return { pod, entries: entries.map(inboundJson), waiting };
}

export function inboundJson(entry: InboundEntry): Record<string, unknown> {
  const { seq, kind, at, pod: _pod, ...rest } = entry;
  const { seenThrough: _seen, ...fields } = rest as typeof rest & { seenThrough?: number };
  return { seq, kind, at: at.toISOString(), ...fields };
}
