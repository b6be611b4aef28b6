import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAnthropicRequest, renderAnthropicReply } from './anthropic-messages.js';
import { parseChatRequest, renderChatReply } from './chat-completions.js';
import { GEMINI_PATH, parseGeminiRequest, renderGeminiReply } from './gemini-api.js';
import type { ModelReply, ModelRequest, ModelScript } from './model-exchange.js';
import { parseResponsesRequest, renderResponsesReply } from './openai-responses.js';
import type { WireReply } from './wire-reply.js';

/** Every request the server got, model turns and everything else alike, in arrival order. */
export type RecordedRequest = {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed model request, for the model endpoints. */
  readonly model?: ModelRequest;
  readonly reply?: ModelReply;
  readonly status: number;
};

export type LoopbackModelServer = {
  /** `http://127.0.0.1:PORT`, without `/v1`: each recipe adds what its agent expects. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** The model requests that were turns (not housekeeping), oldest first. */
  readonly turns: () => readonly ModelRequest[];
  /** How many event streams are open now (a hanging one stays open until the agent lets go of it). */
  readonly openStreams: () => number;
  /** Replaces the script for the requests still to come. */
  readonly setScript: (script: ModelScript) => void;
  /** Ends every open stream (a hanging one too) and stops listening. */
  readonly close: () => Promise<void>;
};

export type LoopbackModelOptions = {
  readonly script: ModelScript;
  /** The reply to requests that offer no tools (titles, summaries); by default a short title. */
  readonly housekeeping?: ModelScript;
  /** A hanging stream ends by itself after this long, so a forgotten one cannot hold a run. */
  readonly hangBoundMs?: number;
};

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const ROUTES = [
  { api: 'anthropic-messages', path: /^\/v1\/messages(\?.*)?$/, parse: parseAnthropicRequest, render: renderAnthropicReply },
  { api: 'openai-responses', path: /^\/v1\/responses(\?.*)?$/, parse: parseResponsesRequest, render: renderResponsesReply },
  { api: 'chat-completions', path: /^\/v1\/chat\/completions(\?.*)?$/, parse: parseChatRequest, render: renderChatReply },
  { api: 'gemini', path: GEMINI_PATH, parse: parseGeminiRequest, render: renderGeminiReply },
] as const;

/** Start-up and bookkeeping calls the agents make besides turns, with the harmless answers they accept. */
function housekeepingAnswer(method: string, path: string): unknown {
  if (method === 'POST' && path.startsWith('/v1/messages/count_tokens')) return { input_tokens: 10 }; // Claude Code
  if (method === 'POST' && /^\/v1beta\/models\/[^/:?]+:countTokens(\?.*)?$/.test(path)) return { totalTokens: 10 }; // Gemini CLI
  if ((method === 'HEAD' || method === 'GET') && path === '/') return {};
  return undefined;
}

/**
 * One HTTP server on 127.0.0.1:0 that speaks the Anthropic Messages API, the OpenAI Responses
 * API, Chat Completions and the Gemini API, answering each model request from `script`.
 * Deterministic: a reply depends only on the request and the script, and nothing waits on a
 * timer except a paced stream. Start-up probes and token counts (`HEAD /`, Claude Code's
 * `count_tokens`, Gemini's `countTokens`) get harmless answers; anything else is a JSON 404,
 * recorded like the rest.
 */
export async function startLoopbackModelServer(options: LoopbackModelOptions): Promise<LoopbackModelServer> {
  let script = options.script;
  const housekeeping = options.housekeeping ?? (() => ({ kind: 'text', text: 'Scripted session' }) as const);
  const requests: RecordedRequest[] = [];
  const open = new Set<ServerResponse>();
  let ids = 0;
  const nextId = () => String(++ids);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const method = req.method ?? '';
      const path = req.url ?? '';
      const base = { method, path, headers: req.headers };
      const route = method === 'POST' ? ROUTES.find((r) => r.path.test(path)) : undefined;
      if (!route) {
        const answer = housekeepingAnswer(method, path);
        const status = answer === undefined ? 404 : 200;
        requests.push({ ...base, status });
        const body = answer ?? { error: { type: 'not_found_error', message: `no route ${method} ${path}` } };
        res.writeHead(status, { 'content-type': 'application/json' }).end(method === 'HEAD' ? undefined : JSON.stringify(body));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const model = route.parse(parsed, path);
      void (async () => {
        let reply: ModelReply;
        try {
          reply = await (model.housekeeping ? housekeeping : script)(model);
        } catch (error) {
          reply = { kind: 'error', status: 500, message: `the test's script failed: ${error instanceof Error ? error.message : String(error)}` };
        }
        const wire = route.render(reply, model, nextId);
        requests.push({ ...base, model, reply, status: wire.type === 'json' ? wire.status : 200 });
        write(res, wire, open, options.hangBoundMs ?? 120_000);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    openStreams: () => open.size,
    turns: () => requests.flatMap((r) => (r.model && !r.model.housekeeping ? [r.model] : [])),
    setScript: (next) => {
      script = next;
    },
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function write(res: ServerResponse, wire: WireReply, open: Set<ServerResponse>, hangBoundMs: number): void {
  if (wire.type === 'json') {
    res.writeHead(wire.status, { 'content-type': 'application/json' }).end(JSON.stringify(wire.body));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  open.add(res);
  res.on('close', () => open.delete(res));
  const finish = () => {
    if (!wire.hang) {
      res.end();
      return;
    }
    const bound = setTimeout(() => res.end(), hangBoundMs);
    bound.unref();
    res.on('close', () => clearTimeout(bound));
  };
  if (wire.paceMs === undefined) {
    for (const event of wire.events) res.write(event);
    finish();
    return;
  }
  let next = 0;
  const tick = () => {
    if (res.destroyed) return;
    const event = wire.events[next++];
    if (event === undefined) return finish();
    res.write(event);
    setTimeout(tick, wire.paceMs).unref();
  };
  tick();
}
