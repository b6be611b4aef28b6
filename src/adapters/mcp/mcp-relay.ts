import { connect } from 'node:net';

/** A byte relay with no access of its own (the host serves the Pod's tools); it loads nothing of the store. */
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
