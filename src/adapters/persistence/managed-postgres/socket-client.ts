import pg from 'pg';

/**
 * `work` on one connection to the server's socket as `pods`, closed afterwards whatever
 * happens. The managed server's own short talks (probe, database creation, status) go
 * through here; the store itself uses its pool.
 */
export async function withSocketClient<T>(socketDir: string, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: socketDir, user: 'pods', database, connectionTimeoutMillis: 5_000 });
  // A server that goes away mid-talk emits 'error'; the failure reaches `work`'s query anyway.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
