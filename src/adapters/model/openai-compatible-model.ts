import { inject, injectable } from 'inversify';
import type { Model, ModelReply, ModelRequest } from '../../application/ports/model.js';
import { chatCompletionsRequest } from './chat-completions-request.js';
import { excerpt } from './excerpt.js';
import { DEFAULT_MODEL_TIMEOUT_MS, MODEL_CONFIG, type ModelConfig } from './model-config.js';
import { parseChatCompletion } from './parse-chat-completion.js';

/**
 * `url` is the API base as Ollama, vLLM and llama.cpp document it (ending in `/v1`);
 * `/chat/completions` is joined to it. A URL that already names the endpoint is kept.
 */
export function chatCompletionsUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  return base.endsWith('/chat/completions') ? base : `${base}/chat/completions`;
}

const fail = (error: string): ModelReply => ({ ok: false, error });

/**
 * Any OpenAI-compatible chat-completions endpoint with tool calling. Every failure
 * (timeout, cancel, network, HTTP status, a body that is not a chat completion) is a
 * one-line `ok: false`, never a throw: the run loop records it and the Pod stays usable.
 */
@injectable()
export class OpenAiCompatibleModel implements Model {
  readonly label: string;
  private readonly endpoint: string;
  private readonly timeoutMs: number;

  constructor(@inject(MODEL_CONFIG) private readonly config: ModelConfig) {
    this.label = `openai:${config.model}`;
    this.endpoint = chatCompletionsUrl(config.url);
    this.timeoutMs = config.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    if (request.signal?.aborted) return fail('model request cancelled');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const cancel = (): void => controller.abort();
    request.signal?.addEventListener('abort', cancel, { once: true });
    let status: number;
    let text: string;
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(chatCompletionsRequest(this.config.model, request.history, request.tools)),
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) return fail('model request cancelled');
      if (controller.signal.aborted) return fail(`no reply from ${this.endpoint} within ${this.timeoutMs} ms`);
      return fail(`POST ${this.endpoint} failed: ${describeError(error)}`);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', cancel);
    }
    if (status < 200 || status > 299) return fail(`HTTP ${status} from ${this.endpoint}: ${excerpt(text)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return fail(`${this.endpoint} replied with a body that is not JSON: ${excerpt(text)}`);
    }
    const taken = new Set(request.history.flatMap((e) => (e.kind === 'tool_call' ? [e.callId] : [])));
    return parseChatCompletion(body, taken, (request.history.at(-1)?.seq ?? 0) + 1);
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
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
