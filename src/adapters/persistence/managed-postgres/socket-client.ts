import pg from 'pg';

/** The role pods connects as: it owns the `pods` database and may do nothing else on the server. */
export const STORE_ROLE = 'pods';

/** The managed server's own short talks (probe, setup, status); the store itself uses its pool. */
export async function withSocketClient<T>(socketDir: string, database: string, work: (client: pg.Client) => Promise<T>, user = STORE_ROLE): Promise<T> {
  const client = new pg.Client({ host: socketDir, user, database, connectionTimeoutMillis: 5_000 });
  // A server that goes away mid-talk emits 'error'; the failure reaches `work`'s query anyway.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
