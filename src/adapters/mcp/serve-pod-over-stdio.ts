import { pipeline, type Readable, type Writable } from 'node:stream';
import { JSONRPC_VERSION } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { jsonRpcLines } from './json-rpc-lines.js';
import { createPodMcpServer, type PodMcpServerOptions } from './pod-mcp-server.js';

export type StdioServing = {
  /** Resolves when the client goes away (stdin ends, the pipe closes) or `close` is called. */
  readonly closed: Promise<void>;
  /** Stops serving and waits for the tool calls in flight. */
  readonly close: () => Promise<void>;
};

/**
 * Serves one Pod over a stdio pair: JSON-RPC on `stdout` and nothing else (anything for a
 * human goes to stderr, which the caller owns). stdin is read line by line through
 * `jsonRpcLines`: a line that is not JSON, not a JSON-RPC message or longer than
 * `MAX_LINE_BYTES` is answered with a JSON-RPC error and dropped, and serving goes on.
 */
export async function servePodOverStdio(options: PodMcpServerOptions & { readonly stdin: Readable; readonly stdout: Writable }): Promise<StdioServing> {
  const { stdin, stdout, ...serverOptions } = options;
  const { server, settle } = createPodMcpServer(serverOptions);
  let open = true;
  const lines = jsonRpcLines(({ id, code, message }) => {
    if (open) stdout.write(`${JSON.stringify({ jsonrpc: JSONRPC_VERSION, ...(id !== undefined ? { id } : {}), error: { code, message } })}\n`);
  });
  const closed = new Promise<void>((resolve) => {
    const stopUpdates = server.onclose;
    server.onclose = () => {
      open = false;
      // As the SDK's transport does with stdin itself: stop reading, so an open stdin keeps no process alive.
      stdin.unpipe(lines);
      stdin.pause();
      stopUpdates?.();
      resolve();
    };
  });
  // stdin's end, error or close ends `lines`, which the transport takes as the client gone.
  pipeline(stdin, lines, () => undefined);
  await server.connect(new StdioServerTransport(lines, stdout));
  return {
    closed,
    close: async () => {
      await server.close();
      await settle();
    },
  };
}
