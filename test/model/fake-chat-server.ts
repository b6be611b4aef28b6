import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { readonly method: string; readonly path: string; readonly headers: IncomingHttpHeaders; readonly body: string };
type Answer = (response: ServerResponse, received: Received) => void;

/** A chat-completions stand-in on 127.0.0.1 that keeps every request it got. */
export class FakeChatServer {
  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly received: readonly Received[],
  ) {}

  static async start(answer: Answer): Promise<FakeChatServer> {
    const received: Received[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const entry = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        received.push(entry);
        answer(response, entry);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FakeChatServer(server, `http://127.0.0.1:${port}/v1`, received);
  }

  /** Drops open connections too, so a server that never answered does not hold the test. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const json = (status: number, body: unknown): Answer => (response) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

export const raw = (status: number, body: string): Answer => (response) => {
  response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
};

export const completion = (message: unknown) => json(200, { id: 'cmpl_1', object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'stop' }] });
