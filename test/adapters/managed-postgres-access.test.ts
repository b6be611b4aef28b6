import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { SERVER_SETTINGS } from '../../src/adapters/persistence/managed-postgres/server-process.js';
import { runningEarlierStore } from '../support/earlier-managed-store.js';
import { managedHomes } from '../support/managed-homes.js';
import { failureOf, one, withClient } from '../support/sql-client.js';
import { until } from '../support/until.js';

const isRoot = process.getuid?.() === 0;
const run = promisify(execFile);
const require = createRequire(import.meta.url);
const { newHome } = managedHomes();

describe('the managed server starts with nothing of the caller\'s environment', () => {
  it('has only the allow-listed variables in its postmaster environment, and no secret of the caller', async () => {
    const secret = `pods-secret-${randomUUID()}`;
    process.env['PODS_API_KEY'] = secret;
    process.env['PGPASSWORD'] = secret;
    let pid: number | undefined;
    try {
      ({ pid } = await new ManagedPostgres({ home: await newHome() }).ensureRunning());
    } finally {
      delete process.env['PODS_API_KEY'];
      delete process.env['PGPASSWORD'];
    }
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    expect(environ).not.toContain(secret);
    const names = environ.split('\0').filter((entry) => entry !== '').map((entry) => entry.slice(0, entry.indexOf('=')));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !['PATH', 'LANG', 'LC_ALL', 'TZ', 'LD_LIBRARY_PATH', 'DYLD_LIBRARY_PATH'].includes(name))).toEqual([]);
  }, 120_000);
});

/** What the store's role may do on a server, seen from a session of it. */
async function powersOf(url: string) {
  return withClient(url, async (client) => ({
    role: (await client.query('select current_user as who, rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user')).rows[0],
    owns: (await client.query(`select pg_get_userbyid(datdba) as owner from pg_database where datname = current_database()`)).rows[0]?.owner,
    strangers: (await client.query(`select count(*)::int as n from pg_tables where schemaname = 'public' and tableowner <> current_user`)).rows[0]?.n,
    program: await failureOf(client, `copy (select 1) to program 'true'`),
    readFile: await failureOf(client, `select pg_read_file('/etc/hostname')`),
    readBinary: await failureOf(client, `select pg_read_binary_file('/proc/self/environ')`),
    writeFile: await failureOf(client, `copy (select 1) to '/tmp/pods-role-check'`),
  }));
}

const PLAIN_ROLE = {
  role: { who: 'pods', rolsuper: false, rolcreaterole: false, rolcreatedb: false },
  owns: 'pods',
  strangers: 0,
  program: '42501',
  readFile: '42501',
  readBinary: '42501',
  writeFile: '42501',
};

/** The socket only: the store's role to its database, the superuser only for the server's OS user. */
const ACCESS_RULES = ['local  pods  pods  trust', 'local  all  postgres  peer map=server'];

/** The rule lines of the server's pg_hba.conf. */
async function accessRulesOf(dataDir: string): Promise<string[]> {
  return (await readFile(join(dataDir, 'pg_hba.conf'), 'utf8')).split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** The SQLSTATE of a connection attempt as `user` to `database`, or `connected`. */
async function connecting(socketDir: string, user: string, database: string): Promise<string> {
  const client = new pg.Client({ host: socketDir, user, database });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return 'connected';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('the managed server\'s roles', () => {
  it('connects pods as a role that owns its database and may do nothing else on the server', async () => {
    const { url, layout } = await new ManagedPostgres({ home: await newHome() }).ensureRunning();
    expect(await powersOf(url)).toEqual(PLAIN_ROLE);
    expect(await accessRulesOf(layout.dataDir)).toEqual(ACCESS_RULES);
    expect(await connecting(layout.socketDir, 'pods', 'postgres')).toBe('28000');
    // Only the server's own OS user may act as the superuser (a plain user running pods is it), and
    // root, which may become the service user anyway (ADR 0023: it counts a full server's connections).
    expect(await connecting(layout.socketDir, 'postgres', 'postgres')).toBe('connected');
    expect(JSON.parse(await readFile(join(layout.home, 'server.json'), 'utf8'))).toMatchObject({ role: 'pods' });
  }, 120_000);

  it('upgrades a store an earlier version made, in place and while it runs, ending its superuser sessions', async () => {
    const home = await newHome();
    const earlier = await runningEarlierStore(home);
    const old = new pg.Client({ host: earlier.layout.socketDir, user: 'pods', database: 'pods' });
    let ended = false;
    old.on('error', () => (ended = true));
    old.on('end', () => (ended = true));
    await old.connect();
    expect((await old.query('select rolsuper from pg_roles where rolname = current_user')).rows).toEqual([{ rolsuper: true }]);

    const lines: string[] = [];
    const running = await new ManagedPostgres({ home, report: (line) => lines.push(line) }).ensureRunning();
    expect(running).toMatchObject({ started: false, pid: earlier.pid });
    expect(lines).toEqual([`upgraded the store under ${home}: pods now connects as the role \`pods\`, which is not a superuser`]);
    expect(await powersOf(running.url)).toEqual(PLAIN_ROLE);
    expect(await one(running.url, 'select name from pod')).toEqual({ name: 'kept' });
    expect(await one(running.url, 'select rolname from pg_roles where oid = 10')).toEqual({ rolname: 'postgres' });
    expect(await accessRulesOf(earlier.layout.dataDir)).toEqual(ACCESS_RULES);
    await until(async () => (ended ? true : undefined), 10_000, 'the earlier superuser session ends');
    await old.end().catch(() => undefined);
    // Nothing is repeated on the next start.
    lines.length = 0;
    expect(await new ManagedPostgres({ home, report: (line) => lines.push(line) }).ensureRunning()).toMatchObject({ started: false, pid: earlier.pid });
    expect(lines).toEqual([]);
  }, 120_000);

  it('upgrades a stopped store of an earlier version when it next starts it', async () => {
    const home = await newHome();
    const earlier = await runningEarlierStore(home);
    process.kill(earlier.pid, 'SIGINT');
    await until(async () => ((await readFile(`/proc/${earlier.pid}/stat`, 'utf8').catch(() => '')) === '' ? true : undefined), 30_000, 'the earlier server stops');

    const running = await new ManagedPostgres({ home }).ensureRunning();
    expect(running.started).toBe(true);
    expect(await powersOf(running.url)).toEqual(PLAIN_ROLE);
    expect(await one(running.url, 'select name from pod')).toEqual({ name: 'kept' });
  }, 120_000);
});


describe("the managed server's reserved connections", () => {
  it('keeps a slot for the superuser when pods sessions hold every other one', async () => {
    const { layout, url } = await new ManagedPostgres({ home: await newHome() }).ensureRunning();
    const held: pg.Client[] = [];
    try {
      let refusal = '';
      for (let i = 0; i < Number(SERVER_SETTINGS.max_connections) + 10 && refusal === ''; i += 1) {
        const client = new pg.Client({ connectionString: url });
        client.on('error', () => undefined);
        held.push(client);
        await client.connect().catch((error: unknown) => (refusal = `${(error as { code?: string }).code}: ${(error as Error).message}`));
      }
      expect(refusal).toBe('53300: remaining connection slots are reserved for roles with the SUPERUSER attribute');
      // The server's own OS user still gets in as the superuser: the operator's way in when pods holds everything.
      const script = `const pg = require(${JSON.stringify(require.resolve('pg'))}); const c = new pg.Client({ host: process.argv[1], user: 'postgres', database: 'postgres' });
        c.connect().then(() => c.query('select current_user as who')).then((r) => { console.log(r.rows[0].who); return c.end(); }).catch((e) => { console.log(e.message); process.exit(1); });`;
      const asServer = isRoot ? ['runuser', ['-u', 'pods', '--', process.execPath, '-e', script, layout.socketDir]] as const : [process.execPath, ['-e', script, layout.socketDir]] as const;
      expect((await run(asServer[0], [...asServer[1]])).stdout.trim()).toBe('postgres');
    } finally {
      await Promise.all(held.map((client) => client.end().catch(() => undefined)));
    }
  }, 120_000);
});
