import type { ServiceIdentifier } from 'inversify';
import { err, ok, type Result } from '../../domain/result.js';

/** An OpenAI-compatible chat-completions endpoint. `url` is the API base, e.g. `http://127.0.0.1:11434/v1`. */
export type ModelConfig = {
  readonly url: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly retry?: ModelRetry;
};

/** `attempts` in all; the wait before each retry is the server's `Retry-After`, else `baseMs` doubled each time, never above `capMs`. */
export type ModelRetry = { readonly attempts: number; readonly baseMs: number; readonly capMs: number };
export const DEFAULT_MODEL_RETRY: ModelRetry = { attempts: 3, baseMs: 1_000, capMs: 30_000 };
export const MODEL_CONFIG = Symbol.for('ModelConfig') as ServiceIdentifier<ModelConfig>;

export const DEFAULT_MODEL_TIMEOUT_MS = 120_000;

export type ModelConfigError =
  | { readonly type: 'ModelNameMissing'; readonly url: string }
  | { readonly type: 'InvalidModelUrl'; readonly url: string; readonly reason: string }
  | { readonly type: 'InvalidModelTimeout'; readonly value: string };

/** A URL that cannot work is an error rather than a silent fallback, so an operator never talks to the wrong model. */
export function modelConfigFromEnv(env: Readonly<Record<string, string | undefined>>): Result<ModelConfig | undefined, ModelConfigError> {
  const url = setting(env, 'PODS_MODEL_URL');
  if (url === undefined) return ok(undefined);
  const problem = urlProblem(url);
  if (problem) return err({ type: 'InvalidModelUrl', url, reason: problem });
  const model = setting(env, 'PODS_MODEL');
  if (model === undefined) return err({ type: 'ModelNameMissing', url });
  const apiKey = setting(env, 'PODS_API_KEY');
  const timeout = setting(env, 'PODS_MODEL_TIMEOUT_MS');
  if (timeout !== undefined && !/^[1-9]\d{0,8}$/.test(timeout)) return err({ type: 'InvalidModelTimeout', value: timeout });
  return ok({
    url,
    model,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(timeout !== undefined ? { timeoutMs: Number(timeout) } : {}),
  });
}

export function describeModelConfigError(error: ModelConfigError): string {
  switch (error.type) {
    case 'ModelNameMissing':
      return `PODS_MODEL_URL is set (${error.url}) but PODS_MODEL is not: name the model to use, e.g. PODS_MODEL=llama3.1`;
    case 'InvalidModelUrl':
      return `PODS_MODEL_URL ${JSON.stringify(error.url)} is not usable: ${error.reason}`;
    case 'InvalidModelTimeout':
      return `PODS_MODEL_TIMEOUT_MS ${JSON.stringify(error.value)} is not a positive whole number of milliseconds`;
  }
}

/** Blank counts as unset: `PODS_MODEL_URL= pods` should mean "no model server". */
function setting(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function urlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL (expected e.g. http://127.0.0.1:11434/v1)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the scheme must be http or https, not ${url.protocol}`;
  if (url.username !== '' || url.password !== '') return 'it contains credentials; put the key in PODS_API_KEY instead';
  return undefined;
}
