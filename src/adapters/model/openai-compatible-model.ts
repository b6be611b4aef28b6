import { inject, injectable } from 'inversify';
import type { Model, ModelReply, ModelRequest } from '../../application/ports/model.js';
import { pause } from '../../application/pause.js';
import { ChatRequestBodies } from './chat-request-bodies.js';
import { excerpt } from './excerpt.js';
import { DEFAULT_MODEL_RETRY, DEFAULT_MODEL_TIMEOUT_MS, MODEL_CONFIG, type ModelConfig, type ModelRetry } from './model-config.js';
import { parseChatCompletion } from './parse-chat-completion.js';
import { readChatCompletionStream } from './read-chat-completion-stream.js';

/** `url` is the API base as Ollama, vLLM and llama.cpp document it (`…/v1`); a URL naming the endpoint is kept. */
export function chatCompletionsUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  return base.endsWith('/chat/completions') ? base : `${base}/chat/completions`;
}

const fail = (error: string): ModelReply => ({ ok: false, error });

/** Statuses that say "later", not "never": rate limits and an overloaded or restarting server. */
const RETRIED = new Set([429, 500, 502, 503, 504, 529]);

export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(header)) return Math.round(Number(header) * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

type Attempt =
  | { readonly status: number; readonly text: string; readonly retryAfter: string | null }
  | { readonly streamed: unknown }
  | { readonly failed: ModelReply };

const refusesStreaming = (status: number, text: string): boolean => (status === 400 || status === 422) && /stream/i.test(text);

/** Every failure is a one-line `ok: false`, never a throw: the run loop records it and the Pod stays usable. */
@injectable()
export class OpenAiCompatibleModel implements Model {
  readonly label: string;
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly retry: ModelRetry;
  /** Cleared for good once the server refuses `stream: true` (said once, as a note). */
  private streams = true;
  private readonly bodies = new ChatRequestBodies();

  constructor(@inject(MODEL_CONFIG) private readonly config: ModelConfig) {
    this.label = `openai:${config.model}`;
    this.endpoint = chatCompletionsUrl(config.url);
    this.timeoutMs = config.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
    this.retry = config.retry ?? DEFAULT_MODEL_RETRY;
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    let stream = request.onStream !== undefined && this.streams ? request.onStream : undefined;
    let status = 0;
    let text = '';
    let completion: unknown;
    for (let attempt = 1; ; attempt += 1) {
      const body = this.bodies.body(this.config.model, request.pod, request.history, request.tools, stream !== undefined);
      const answered = await this.post(body, request.signal, stream);
      if ('failed' in answered) return answered.failed;
      if ('streamed' in answered) {
        completion = answered.streamed;
        break;
      }
      ({ status, text } = answered);
      if (stream && refusesStreaming(status, text)) {
        this.streams = false;
        stream({ type: 'note', text: `${this.endpoint} does not stream (HTTP ${status}); whole replies from now on` });
        stream = undefined;
        attempt -= 1; // not a failed attempt: the same request, unstreamed
        continue;
      }
      if (!RETRIED.has(status) || attempt >= this.retry.attempts) break;
      const asked = retryAfterMs(answered.retryAfter, Date.now());
      // A server that asks for longer than we would wait gets its answer now, not after a hang.
      if (asked !== undefined && asked > this.retry.capMs) {
        return fail(`HTTP ${status} from ${this.endpoint}, which asks to retry after ${Math.ceil(asked / 1_000)} s: ${excerpt(text)}`);
      }
      const wait = asked ?? Math.min(this.retry.capMs, this.retry.baseMs * 2 ** (attempt - 1));
      await pause(wait, request.signal);
      if (request.signal?.aborted) return fail('model request cancelled');
    }
    if (completion === undefined) {
      if (status < 200 || status > 299) {
        const tries = RETRIED.has(status) && this.retry.attempts > 1 ? ` after ${this.retry.attempts} attempts` : '';
        return fail(`HTTP ${status} from ${this.endpoint}${tries}: ${excerpt(text)}`);
      }
      try {
        completion = JSON.parse(text);
      } catch {
        return fail(`${this.endpoint} replied with a body that is not JSON: ${excerpt(text)}`);
      }
    }
    const taken = new Set(request.history.flatMap((e) => (e.kind === 'tool_call' ? [e.callId] : [])));
    return parseChatCompletion(completion, taken, (request.history.at(-1)?.seq ?? 0) + 1);
  }

  /** For a stream the timeout is of silence (reset by every chunk); a server that ignores `stream: true` is read as JSON. */
  private async post(payload: Uint8Array, signal: AbortSignal | undefined, stream: ModelRequest['onStream']): Promise<Attempt> {
    if (signal?.aborted) return { failed: fail('model request cancelled') };
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const touch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), this.timeoutMs);
    };
    const cancel = (): void => controller.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    let streaming = false;
    try {
      const response = await fetch(this.endpoint, { method: 'POST', headers: this.headers(stream !== undefined), body: payload, signal: controller.signal });
      if (stream && response.ok && response.body && /text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
        streaming = true;
        const read = await readChatCompletionStream(response.body, stream, touch);
        return read.ok ? { streamed: read.completion } : { failed: fail(read.error) };
      }
      return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      if (signal?.aborted) return { failed: fail('model request cancelled') };
      if (controller.signal.aborted) {
        return { failed: fail(streaming ? `the stream from ${this.endpoint} went silent for ${this.timeoutMs} ms` : `no reply from ${this.endpoint} within ${this.timeoutMs} ms`) };
      }
      return { failed: fail(`${streaming ? `the stream from ${this.endpoint} broke` : `POST ${this.endpoint} failed`}: ${describeError(error)}`) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
  }

  private headers(streaming: boolean): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: streaming ? 'text/event-stream, application/json' : 'application/json' };
    if (this.config.apiKey !== undefined) headers['authorization'] = `Bearer ${this.config.apiKey}`;
    return headers;
  }
}

/** fetch reports "fetch failed" and hides the reason (ECONNREFUSED, DNS, TLS) in `cause`. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return excerpt(String(error));
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return excerpt(`${error.message}${cause}`);
}
