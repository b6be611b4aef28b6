import { INVALID_PARAMS, INVALID_REQUEST, specTypeSchemas, type JSONRPCRequest } from '@modelcontextprotocol/server';

export type RequestRefusal = { readonly code: number; readonly message: string };

/** `ping`, and the 2026 revision's `server/discover`, which the SDK answers "method not found" so a client falls back. */
const BEFORE_INITIALIZE = new Set(['initialize', 'ping', 'server/discover']);

const SCHEMAS: Readonly<Record<string, keyof typeof specTypeSchemas>> = {
  initialize: 'InitializeRequest',
  ping: 'PingRequest',
  'tools/list': 'ListToolsRequest',
  'tools/call': 'CallToolRequest',
  'resources/list': 'ListResourcesRequest',
  'resources/templates/list': 'ListResourceTemplatesRequest',
  'resources/read': 'ReadResourceRequest',
  'resources/subscribe': 'SubscribeRequest',
  'resources/unsubscribe': 'UnsubscribeRequest',
};

/** Longest error message: one line a person can read, never a schema dump. */
const MAX_MESSAGE = 500;

/** Params that do not fit get -32602 with every problem on one line (the SDK: -32603 and a schema dump). */
export function checkRequest(request: JSONRPCRequest, initialized: boolean): RequestRefusal | undefined {
  const { method, params } = request;
  if (!initialized && !BEFORE_INITIALIZE.has(method)) {
    return { code: INVALID_REQUEST, message: `Invalid Request: \`${method.slice(0, 100)}\` before \`initialize\`; send \`initialize\` first (only \`ping\` is answered before it)` };
  }
  const name = SCHEMAS[method];
  if (name === undefined) return undefined;
  const checked = specTypeSchemas[name]['~standard'].validate(params === undefined ? { method } : { method, params });
  if (checked instanceof Promise || !checked.issues) return undefined;
  const problems = checked.issues.map(({ path, message }) => {
    const where = (path ?? []).map((key) => (typeof key === 'object' ? key.key : key)).join('.');
    return `${where || 'the request'}: ${message.replace(/\s+/g, ' ')}`;
  });
  const line = `Invalid params for ${method}: ${problems.join('; ')}`;
  return { code: INVALID_PARAMS, message: line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line };
}
