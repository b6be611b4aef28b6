import { connect } from 'node:net';

/**
 * `pods mcp-relay SOCKET`: the stdio MCP server an agent-driven Pod's agent starts. It relays
 * bytes between its stdio and the host's per-Pod socket and has no access of its own: the
 * host serves the Pod's tools. It loads nothing of the store. Resolves with the exit code.
 */
export function relayStdio(path: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`pods mcp-relay: cannot reach the pods host at ${path} (${error.code ?? error.message}); the Pod may have stopped\n`);
      resolve(1);
    });
    socket.on('close', () => resolve(0));
    process.stdin.on('end', () => socket.end());
    process.stdin.pipe(socket);
    socket.pipe(process.stdout);
  });
}
