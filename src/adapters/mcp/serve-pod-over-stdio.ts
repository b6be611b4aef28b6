import { pipeline, type Readable, type Writable } from 'node:stream';
import { JSONRPC_VERSION, type Server } from '@modelcontextprotocol/server';
import { jsonRpcLines } from './json-rpc-lines.js';
import { LineTransport } from './line-transport.js';
import { createPodMcpServer, type PodMcpServerOptions } from './pod-mcp-server.js';

export type StdioServing = {
  /** Resolves when the client went away (stdin ended, the pipe closed) and every request it sent was answered, or `close` was called. */
  readonly closed: Promise<void>;
  readonly close: () => Promise<void>;
};

export type Served = { readonly server: Server; readonly settle: () => Promise<void> };

/** JSON-RPC on `stdout` and nothing else: anything for a human goes to stderr. */
export async function servePodOverStdio(options: PodMcpServerOptions & { readonly stdin: Readable; readonly stdout: Writable }): Promise<StdioServing> {
  const { stdin, stdout, ...serverOptions } = options;
  return serveOverStdio(createPodMcpServer(serverOptions), stdin, stdout);
}

/** A bad or too long line is answered with an error and dropped; when stdin ends, every request read is answered. */
export async function serveOverStdio(served: Served, stdin: Readable, stdout: Writable): Promise<StdioServing> {
  const { server, settle } = served;
  let open = true;
  const lines = jsonRpcLines(({ id, code, message }) => {
    if (open && !stdout.destroyed) stdout.write(`${JSON.stringify({ jsonrpc: JSONRPC_VERSION, id: id ?? null, error: { code, message } })}\n`);
  });
  const transport = new LineTransport(lines, stdout);
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
  pipeline(stdin, lines, () => undefined);
  await server.connect(transport);
  let finishing: Promise<void> | undefined;
  const finish = (): Promise<void> =>
    (finishing ??= (async () => {
      transport.stopReading();
      await settle();
      await transport.drained();
      await server.close();
    })());
  void transport.inputEnded.then(finish);
  return { closed, close: finish };
}
