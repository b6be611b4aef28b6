import pg from 'pg';
import type { PodEventStream } from '../../../events/pod-event-stream.js';
import { pgConnectionString } from '../connection/pg-connection-string.js';
import { EVENTS_CHANNEL, readCommitted, type Origin } from './event-payloads.js';
import { LIVE_CHANNEL, readLive } from './live-payloads.js';
import { urlWithPassfilePassword } from '../connection/passfile-password.js';
import { isChannel, listenSql } from './schema-channel.js';

const RECONNECT_MS = 1_000;

/** Own notifications (its `origin`) are skipped; a lost connection is re-made, and watchers' timers find what was missed. */
export class PostgresEventListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  /** Resolves once LISTEN is in place (or has failed and a retry is scheduled). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly stream: PodEventStream,
    private readonly origin: Origin,
  ) {}

  start(): void {
    if (!this.client && !this.retry && !this.closed) void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    const client = new pg.Client({ connectionString: pgConnectionString(urlWithPassfilePassword(this.url)), connectionTimeoutMillis: 5_000 });
    this.client = client;
    client.on('notification', (n) => {
      if (n.payload === undefined) return;
      const heard = isChannel(n.channel, EVENTS_CHANNEL) ? readCommitted(n.payload) : isChannel(n.channel, LIVE_CHANNEL) ? readLive(n.payload) : undefined;
      if (heard && heard.origin !== this.origin) this.stream.emit(heard.event);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    this.ready = client
      .connect()
      .then(() => client.query(listenSql([EVENTS_CHANNEL, LIVE_CHANNEL])))
      .then(() => undefined)
      .catch(() => this.reconnect(client));
    return this.ready;
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.closed) void this.connect();
    }, RECONNECT_MS);
  }
}
