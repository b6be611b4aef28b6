import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countConnections } from '../../src/adapters/persistence/managed-postgres/connection-holders.js';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { openContainer } from '../../src/composition/container.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { PodName } from '../../src/domain/pod-name.js';
import { until } from '../support/until.js';
import { buildCli } from './built-cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
}, 120_000);
afterAll(async () => cli?.dispose());

/** A server this small fills with a few clients; 3 of its slots stay the superuser's. */
const LIMIT = 12;

/** A connection as the store's role, or the SQLSTATE that refused it. */
async function connect(url: string): Promise<pg.Client | string> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    return String((error as { code?: unknown }).code);
  }
}

describe('the built `pods` CLI at the managed server\'s connection limit', () => {
  it('refuses new processes at once, in one line naming who holds the connections, while a running host keeps answering', async () => {
    const home = await cli.home('full');
    const { url, layout } = await new ManagedPostgres({ home, maxConnections: String(LIMIT) }).ensureRunning();
    expect((await cli.pods(home, 'create', 'a')).code).toBe(0);
    const serve = cli.start(['serve', '--pod', 'a'], { PODS_HOME: home, PODS_DATABASE_URL: '' }, { detached: true });
    const held: pg.Client[] = [];
    try {
      await serve.waitFor('serving `a`');
      // The host's pooled connection and the one it listens on, named after it.
      await until(async () => ((await countConnections(layout.socketDir))?.pods[0]?.connections === 2 ? true : undefined), 20_000, 'the host holds its two connections');
      for (;;) {
        const client = await connect(url);
        if (typeof client === 'string') {
          expect(client).toBe('53300');
          break;
        }
        held.push(client);
      }
      expect(held.length).toBe(LIMIT - 3 - 2);

      const line = (command: string) =>
        `pods ${command}: the store server under ${home} has no connection left for pods (max_connections ${LIMIT}, 3 of them kept for its superuser): ` +
        `pods processes hold 2 (1 host: 1 \`pods serve\`), other clients ${held.length}; stop some of them, or serve more Pods per host ` +
        '(`pods serve --pod A --pod B …`: a host holds 2 connections whatever its number of Pods)\n';
      const began = Date.now();
      expect(await cli.pods(home, 'ls')).toEqual({ code: 2, stdout: '', stderr: line('ls') });
      expect(Date.now() - began).toBeLessThan(15_000);
      expect(await cli.pods(home, 'serve', '--pod', 'a')).toEqual({ code: 2, stdout: '', stderr: line('serve') });
      // `pods store status` asks through the superuser's slots: the server runs, full.
      const status = await cli.pods(home, 'store', 'status');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^server: +running, pid \d+/);
      expect(status.stdout).toMatch(new RegExp(`\\nconnections: +${2 + held.length}\\n`));

      // A server given by URL (here the same one): what to raise there, and never the password.
      const withPassword = url.replace('pods@', 'pods:s3cret@');
      const byUrl = await cli.pods(home, '--db', withPassword, 'ls');
      expect(byUrl).toEqual({
        code: 2,
        stdout: '',
        stderr:
          `pods ls: the PostgreSQL server at ${url.replace('pods@', 'pods:***@')} has no connection left for pods (remaining connection slots are reserved for roles with the SUPERUSER attribute); ` +
          'each pods host holds 2 and every other pods process 1: stop some, or raise the server\'s max_connections (docs/cli.md, "Your own server")\n',
      });

      // The running host still answers a turn: input goes in through a slot the test gives up
      // and at once takes back, so the server stays full throughout.
      await held.pop()?.end();
      const operator = await openContainer({ kind: 'postgres', url });
      try {
        expect(await connect(url)).toBe('53300');
        const sent = await operator.app.submitOperatorInput.execute({ pod: PodName.unsafe('a'), text: MessageBody.unsafe('still there?') });
        expect(sent.ok).toBe(true);
        await serve.waitFor('`a` turn finished');
        expect(await connect(url)).toBe('53300');
      } finally {
        await operator.close();
      }
    } finally {
      await Promise.all(held.map((client) => client.end().catch(() => undefined)));
      if (serve.child.pid !== undefined) process.kill(-serve.child.pid, 'SIGTERM');
      expect(await serve.exited).toBe(0);
    }
  }, 180_000);
});
