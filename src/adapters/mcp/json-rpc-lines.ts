import { Transform, type TransformCallback } from 'node:stream';
import { INVALID_REQUEST, PARSE_ERROR, parseJSONRPCMessage } from '@modelcontextprotocol/server';

/** 16 times the 64 KiB a message body may hold, so no valid tool call comes near it. */
export const MAX_LINE_BYTES = 1024 * 1024;

export type LineRefusal = { readonly code: number; readonly message: string; readonly id?: string | number };

/** How much of an over-long line is kept to find its `id`: its first and its last bytes. */
const ID_WINDOW = 256;
const NEWLINE = 0x0a;

/** Any other line is answered through `refuse`, where the SDK would skip it or close the connection. */
export function jsonRpcLines(refuse: (refusal: LineRefusal) => void, maxBytes = MAX_LINE_BYTES): Transform {
  let parts: Buffer[] = [];
  let length = 0;
  let dropping: { head: Buffer; tail: Buffer; bytes: number } | undefined;

  const take = (part: Buffer) => {
    if (part.length === 0) return;
    if (dropping) {
      dropping.bytes += part.length;
      dropping.tail = lastBytes(Buffer.concat([dropping.tail, lastBytes(part, ID_WINDOW)]), ID_WINDOW);
      return;
    }
    if (length + part.length <= maxBytes) {
      parts.push(part);
      length += part.length;
      return;
    }
    const held = Buffer.concat([...parts, part]);
    dropping = { head: Buffer.from(held.subarray(0, ID_WINDOW)), tail: lastBytes(held, ID_WINDOW), bytes: held.length };
    parts = [];
    length = 0;
  };

  const endLine = (push: (line: Buffer) => void) => {
    if (dropping) {
      const { head, tail, bytes } = dropping;
      dropping = undefined;
      const id = idOf(head.toString('utf8'), tail.toString('utf8'));
      refuse({
        code: INVALID_REQUEST,
        message: `Invalid Request: the line is ${bytes} bytes; pods mcp reads JSON-RPC messages of at most ${maxBytes} bytes (one line each), so it was dropped unread`,
        ...(id !== undefined ? { id } : {}),
      });
      return;
    }
    const line = Buffer.concat(parts, length);
    parts = [];
    length = 0;
    const text = line.toString('utf8');
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      refuse({ code: PARSE_ERROR, message: `Parse error: the line is not JSON (${String((error as Error).message).slice(0, 200)})` });
      return;
    }
    const problem = messageProblem(value);
    if (problem !== undefined) {
      const id = isObject(value) && isRequestId(value['id']) ? value['id'] : undefined;
      refuse({ code: INVALID_REQUEST, message: `Invalid Request: ${problem}`, ...(id !== undefined ? { id } : {}) });
      return;
    }
    push(Buffer.concat([line, Buffer.of(NEWLINE)]));
  };

  return new Transform({
    transform(data: Buffer | string, _encoding: BufferEncoding, done: TransformCallback) {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      for (let start = 0; ; ) {
        const newline = chunk.indexOf(NEWLINE, start);
        take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
        if (newline === -1) break;
        endLine((line) => this.push(line));
        start = newline + 1;
      }
      done();
    },
    // A last line without `\n` is never read, as by the SDK: stdin ended, so no one waits for an answer.
  });
}

function messageProblem(value: unknown): string | undefined {
  try {
    parseJSONRPCMessage(value);
    return undefined;
  } catch {
    // Say why in the client's terms; the schema's own report of a union is no help to it.
  }
  if (Array.isArray(value)) return 'a JSON array (a batch) is not accepted; send one message per line';
  if (!isObject(value)) return `a JSON ${value === null ? 'null' : typeof value} is not a JSON-RPC message; send an object`;
  if (value['jsonrpc'] !== '2.0') return '"jsonrpc" must be "2.0"';
  const known = new Set(['jsonrpc', 'id', 'method', 'params', 'result', 'error']);
  const extra = Object.keys(value).find((key) => !known.has(key));
  if (extra !== undefined) return `unknown member ${JSON.stringify(extra).slice(0, 80)}`;
  if ('id' in value && !isRequestId(value['id'])) return '"id" must be a string or an integer';
  if (!('method' in value) && !('result' in value) && !('error' in value)) return 'no "method" (and not a response: no "result" or "error")';
  if ('method' in value && typeof value['method'] !== 'string') return '"method" must be a string';
  if ('params' in value && !isObject(value['params'])) return '"params" must be an object';
  return 'not a JSON-RPC 2.0 request, notification or response';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRequestId = (value: unknown): value is string | number => typeof value === 'string' || Number.isSafeInteger(value);

function lastBytes(buffer: Buffer, n: number): Buffer {
  return Buffer.from(buffer.subarray(Math.max(0, buffer.length - n)));
}

/** The `id` of a line too long to parse, from its first or last member (as the SDK's client writes it). */
function idOf(head: string, tail: string): string | number | undefined {
  const ID = String.raw`"id"\s*:\s*(-?\d{1,16}|"(?:[^"\\]|\\.){0,100}")`;
  const match = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?${ID}\s*[,}]`).exec(head) ?? new RegExp(String.raw`[{,]\s*${ID}\s*\}\s*$`).exec(tail);
  if (!match?.[1]) return undefined;
  try {
    const id: unknown = JSON.parse(match[1]);
    return isRequestId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
