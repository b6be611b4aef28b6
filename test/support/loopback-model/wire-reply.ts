/**
 * What the server writes for one reply: a JSON body, or server-sent events (`paceMs` apart when
 * given). With `hang` the event stream stays open after `events` (see `ModelReply` 'hang').
 */
export type WireReply =
  | { readonly type: 'json'; readonly status: number; readonly body: unknown }
  | { readonly type: 'sse'; readonly events: readonly string[]; readonly hang: boolean; readonly paceMs?: number };

/** One server-sent event; `event` is omitted for APIs that send data lines only. */
export const sse = (event: string | undefined, data: unknown): string =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** `text` cut into `count` pieces of nearly equal length (at least one, never an empty one unless `text` is empty). */
export function pieces(text: string, count = 1): string[] {
  const n = Math.max(1, Math.min(count, text.length));
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out.length > 0 ? out : [''];
}

/** A JSON value as a record, or an empty one: request bodies are untrusted input. */
export const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const text = (value: unknown): string => (typeof value === 'string' ? value : '');
