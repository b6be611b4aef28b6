import pg from 'pg';
import { pgConnectionString } from './pg-connection-string.js';
import type { HistoryFeed } from '../../../application/ports/history-feed.js';
import type { PodName } from '../../../domain/pod-name.js';
import { HISTORY_CHANNEL, ListenerSet } from './listener-set.js';
import { urlWithPassfilePassword } from './passfile-password.js';

const RECONNECT_MS = 1_000;

/**
 * LISTEN on a dedicated connection, so a host sees commits by other hosts within
 * milliseconds. A lost connection is re-made after a second; notices missed meanwhile
 * are covered by the host's bounded polling.
 */
export class PostgresHistoryFeed implements HistoryFeed {
  private readonly listeners = new ListenerSet();
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly url: string) {}

  subscribe(listener: (pod: PodName) => void): () => void {
    const remove = this.listeners.add(listener);
    if (!this.client && !this.retry) void this.connect();
    return remove;
  }

  /** Resolves once LISTEN is in place (or has failed and a retry is scheduled). */
  ready: Promise<void> = Promise.resolve();

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
      if (n.channel === HISTORY_CHANNEL) this.listeners.emit(n.payload);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    this.ready = client
      .connect()
      .then(() => client.query(`LISTEN ${HISTORY_CHANNEL}`))
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
      if (!this.closed && this.listeners.size > 0) void this.connect();
    }, RECONNECT_MS);
  }
}
