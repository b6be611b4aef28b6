import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { createPodMcpServer, type PodMcpServerOptions } from './pod-mcp-server.js';

export type StdioServing = {
  /** Resolves when the client goes away (stdin ends, the pipe closes) or `close` is called. */
  readonly closed: Promise<void>;
  /** Stops serving and waits for the tool calls in flight. */
  readonly close: () => Promise<void>;
};

/**
 * Serves one Pod over a stdio pair: JSON-RPC on `stdout` and nothing else (anything for a
 * human goes to stderr, which the caller owns).
 */
export async function servePodOverStdio(options: PodMcpServerOptions & { readonly stdin: Readable; readonly stdout: Writable }): Promise<StdioServing> {
  const { stdin, stdout, ...serverOptions } = options;
  const { server, settle } = createPodMcpServer(serverOptions);
  const closed = new Promise<void>((resolve) => {
    const stopUpdates = server.onclose;
    server.onclose = () => {
      stopUpdates?.();
      resolve();
    };
  });
  await server.connect(new StdioServerTransport(stdin, stdout));
  return {
    closed,
    close: async () => {
      await server.close();
      await settle();
    },
  };
}
