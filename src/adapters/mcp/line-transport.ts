import type { Readable, Writable } from 'node:stream';
import {
  isJSONRPCErrorResponse, isJSONRPCNotification, isJSONRPCRequest, isJSONRPCResultResponse, JSONRPC_VERSION, serializeMessage,
  type JSONRPCMessage, type RequestId, type Transport,
} from '@modelcontextprotocol/server';
import { checkRequest } from './request-check.js';

/** Unlike the SDK's stdio transport, end of input does not close it: every request read is answered first. */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly inputEnded: Promise<void>;
  private ended: () => void = () => undefined;
  private initialized = false;
  private closed = false;
  private readonly unanswered = new Set<RequestId>();
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {
    this.inputEnded = new Promise((resolve) => (this.ended = resolve));
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    for (const event of ['end', 'close', 'error']) this.input.once(event, this.ended);
    // The client went away mid-answer (EPIPE): nothing more can reach it.
    this.output.on('error', this.onOutputError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the MCP connection is closed');
    try {
      await this.write(message);
    } finally {
      if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined) this.answered(message.id);
    }
  }

  stopReading(): void {
    this.input.off('data', this.onData);
  }

  drained(): Promise<void> {
    if (this.unanswered.size === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiting.add(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopReading();
    this.output.off('error', this.onOutputError);
    this.release();
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    let message: JSONRPCMessage;
    try {
      message = JSON.parse(chunk.toString()) as JSONRPCMessage;
    } catch {
      return; // jsonRpcLines passes on only JSON-RPC messages
    }
    if (isJSONRPCRequest(message)) {
      const refusal = checkRequest(message, this.initialized);
      if (refusal) return void this.write({ jsonrpc: JSONRPC_VERSION, id: message.id, error: refusal }).catch(() => undefined);
      if (message.method === 'initialize') this.initialized = true;
      this.unanswered.add(message.id);
    } else if (isJSONRPCNotification(message)) {
      if (!this.initialized) return;
      // A cancelled request is never answered (MCP): it is no longer waited for.
      const cancelled = message.method === 'notifications/cancelled' ? (message.params as { requestId?: RequestId } | undefined)?.requestId : undefined;
      if (cancelled !== undefined) this.answered(cancelled);
    }
    this.onmessage?.(message);
  };

  private readonly onOutputError = (error: Error): void => {
    this.onerror?.(error);
    void this.close();
  };

  private write(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.output.destroyed || this.output.writableEnded) return reject(new Error('the client\'s end of the connection is closed'));
      this.output.write(serializeMessage(message), (error) => (error ? reject(error) : resolve()));
    });
  }

  private answered(id: RequestId): void {
    this.unanswered.delete(id);
    if (this.unanswered.size === 0) this.release();
  }

  private release(): void {
    for (const resolve of this.waiting) resolve();
    this.waiting.clear();
  }
}
