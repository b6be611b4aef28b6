import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a PostgreSQL server that counts the statements clients send:
 * simple-protocol `Query` ('Q') and extended-protocol `Execute` ('E') messages. It reads
 * the frontend stream's framing only (a type byte and a length), so it sees every pods
 * process that connects through it, whatever it runs.
 */
export type StatementCounter = {
  readonly port: number;
  /** Statements sent since the counter started. */
  readonly count: () => number;
  readonly close: () => Promise<void>;
};

export async function startStatementCounter(target: { readonly host: string; readonly port: number }): Promise<StatementCounter> {
  let statements = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let buffered = Buffer.alloc(0);
    let started = false;
    client.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        // The startup message (and an SSL request) has no type byte: a length, then the rest.
        const header = started ? 5 : 4;
        if (buffered.length < header) break;
        const length = started ? buffered.readInt32BE(1) + 1 : buffered.readInt32BE(0);
        if (buffered.length < length) break;
        if (started) {
          const type = String.fromCharCode(buffered[0]!);
          if (type === 'Q' || type === 'E') statements += 1;
        } else if (length !== 8) {
          started = true; // an SSLRequest is 8 bytes and is followed by the real startup message
        }
        buffered = buffered.subarray(length);
      }
      upstream.write(data);
    });
    upstream.on('data', (data) => client.write(data));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    count: () => statements,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
