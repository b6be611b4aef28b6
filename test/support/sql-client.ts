import pg from 'pg';

/** `work` on one connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The first row `sql` returns on a connection of its own. */
export const one = async (url: string, sql: string): Promise<unknown> => withClient(url, async (c) => (await c.query(sql)).rows[0]);

/** The SQLSTATE `sql` fails with on `client`, or `none` when it succeeds. */
export async function failureOf(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'none';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? error);
  }
}
