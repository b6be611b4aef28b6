import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { freshLayout } from '../../src/adapters/persistence/managed-postgres/server-layout.js';
import { ensureServiceUser } from '../../src/adapters/persistence/managed-postgres/service-user.js';
import { runningEarlierStore } from '../support/earlier-managed-store.js';
import { managedHomes } from '../support/managed-homes.js';
import { rejection } from '../support/rejection.js';
import { failureOf, one, withClient } from '../support/sql-client.js';
import { until } from '../support/until.js';

const isRoot = process.getuid?.() === 0;
const ONE_LINE = /^[^\n]+$/;
const run = promisify(execFile);
const require = createRequire(import.meta.url);
const { newHome, stoppedCluster, track, alsoRemove } = managedHomes();

/** Runs `script` with `sh` as `user`, as that user could on its own. */
const asUser = (user: string, script: string, ...args: string[]) => run('runuser', ['-u', user, '--', 'sh', '-c', script, 'sh', ...args]);

/** Owner, group and permission bits: what a chown or chmod of `path` would change. */
async function ownership(path: string): Promise<{ uid: number; gid: number; mode: number }> {
  const s = await lstat(path);
  return { uid: s.uid, gid: s.gid, mode: s.mode & 0o7777 };
}

/** A directory only root may change, with a mode a test can tell from anything pods would set. */
async function rootOwnedVictim(): Promise<string> {
  const victim = await mkdtemp(join(tmpdir(), 'pods-victim-'));
  await chmod(victim, 0o750);
  alsoRemove(victim);
  return victim;
}

describe.runIf(isRoot)('the managed store as root follows no link another user made', () => {
  it('leaves a directory alone that the service user links in place of its socket directory', async () => {
    const { server, layout } = await stoppedCluster();
    const victim = await rootOwnedVictim();
    // The service user owns server/: it may replace run/ with a link to any directory.
    await asUser('pods', 'rm -rf "$1" && ln -s "$2" "$1"', layout.socketDir, victim);

    const error = await rejection(server.ensureRunning());
    expect(await ownership(victim)).toEqual({ uid: 0, gid: 0, mode: 0o750 });
    expect(error.message).toMatch(ONE_LINE);
    expect(error.message).toBe(`the store's socket directory ${layout.socketDir} is a symbolic link, not a private directory of \`pods\`; remove it and retry`);
  }, 120_000);

  it('leaves a file alone that the service user links in place of the server log', async () => {
    const { server, layout } = await stoppedCluster();
    const victim = join(await rootOwnedVictim(), 'root-only');
    await writeFile(victim, 'root only\n', { mode: 0o600 });
    await asUser('pods', 'rm -f "$1" && ln -s "$2" "$1"', layout.logFile, victim);

    const outcome = await server.ensureRunning().then(() => new Error('it started'), (error: unknown) => error as Error);
    expect(await readFile(victim, 'utf8')).toBe('root only\n');
    expect(await ownership(victim)).toEqual({ uid: 0, gid: 0, mode: 0o600 });
    expect(outcome.message).toMatch(ONE_LINE);
    expect(outcome.message).toBe(`the store server's log ${layout.logFile} is a symbolic link, not a file of \`pods\` or root; remove it and retry`);
  }, 120_000);

  it("leaves another cluster's lock file alone when the service user links it in place of the data directory", async () => {
    const { server, layout } = await stoppedCluster();
    // What a system PostgreSQL's data directory holds; the pid is alive but no server of ours.
    const victim = await rootOwnedVictim();
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await writeFile(join(victim, 'PG_VERSION'), '18\n');
      await writeFile(join(victim, 'postmaster.pid'), `${other.pid}\n${victim}\n`);
      await asUser('pods', 'rm -rf "$1" && ln -s "$2" "$1"', layout.dataDir, victim);

      await server.ensureRunning().catch(() => undefined);
      expect(await readFile(join(victim, 'postmaster.pid'), 'utf8')).toBe(`${other.pid}\n${victim}\n`);
      expect(await ownership(victim)).toEqual({ uid: 0, gid: 0, mode: 0o750 });
    } finally {
      other.kill('SIGKILL');
    }
  }, 120_000);

  it('refuses a temp socket directory another local user made in advance as a link, and leaves its target alone', async () => {
    const { user } = await ensureServiceUser();
    // World-writable without the sticky bit: no kernel link protection applies, whatever fs.protected_symlinks says.
    const shared = await mkdtemp(join(tmpdir(), 'pods-shared-tmp-'));
    await chmod(shared, 0o777);
    alsoRemove(shared);
    const home = join(await newHome(), 'a-rather-long-directory-name-'.repeat(3), 'and-deeper-still');
    await mkdir(home, { recursive: true, mode: 0o755 });
    track(home);
    const victim = await rootOwnedVictim();
    const previous = process.env['TMPDIR'];
    process.env['TMPDIR'] = shared;
    try {
      // The name is predictable: the service user's uid and a hash of the home.
      const { socketDir } = freshLayout(home, { uid: user.uid, user: user.name });
      expect(socketDir.startsWith(`${shared}/pods-${user.uid}-`)).toBe(true);
      await asUser('nobody', 'ln -s "$2" "$1"', socketDir, victim);

      const error = await rejection(new ManagedPostgres({ home }).ensureRunning());
      expect(await ownership(victim)).toEqual({ uid: 0, gid: 0, mode: 0o750 });
      expect(error.message).toMatch(ONE_LINE);
      expect(error.message).toBe(`the store's socket directory ${socketDir} is a symbolic link, not a private directory of \`pods\`; remove it and retry`);
    } finally {
      if (previous === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = previous;
    }
  }, 120_000);
});

describe('the managed store refuses a home another user could redirect', () => {
  it('refuses a home inside a directory everyone may write without the sticky bit, and makes nothing', async () => {
    const shared = await newHome('pods-open-');
    await chmod(shared, 0o777);
    const home = join(shared, 'home');
    const error = await rejection(new ManagedPostgres({ home }).ensureRunning());
    expect(error.message).toBe(`the pods home ${home} is not safe to use: ${shared} is writable by everyone; choose a PODS_HOME that only you (and root) can change`);
    await expect(lstat(home)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.runIf(isRoot)('refuses a home reached through a link another user made, and makes nothing where it points', async () => {
    const base = await newHome();
    const victim = await rootOwnedVictim();
    const home = join(base, 'home');
    await symlink(victim, home);
    await run('chown', ['-h', 'nobody', home]);
    const error = await rejection(new ManagedPostgres({ home }).ensureRunning());
    expect(error.message).toBe(`the pods home ${home} is not safe to use: ${home} is a link made by nobody; choose a PODS_HOME that only you (and root) can change`);
    expect(await readdir(victim)).toEqual([]);
  });
});

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
    // Only the server's own OS user may act as the superuser: root is not it; a plain user running pods is.
    expect(await connecting(layout.socketDir, 'postgres', 'postgres')).toBe(isRoot ? '28000' : 'connected');
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


describe('removing a managed store', () => {
  it('refuses while the server runs, then removes its directory and a socket directory kept outside it', async () => {
    const home = join(await newHome(), 'a-rather-long-directory-name-'.repeat(3), 'and-deeper-still');
    await mkdir(home, { recursive: true, mode: 0o755 });
    track(home);
    const server = new ManagedPostgres({ home });
    const { layout, pid } = await server.ensureRunning();
    alsoRemove(layout.socketDir);
    expect(layout.socketDir.startsWith(`${tmpdir()}/pods-`)).toBe(true);

    const refused = await rejection(server.remove());
    expect(refused.message).toBe(`the store server runs (pid ${pid}); stop it with \`pods store stop\`, then remove the store`);
    await server.stop();
    expect(await server.remove()).toEqual({ removed: [layout.serverDir, layout.socketDir] });
    for (const gone of [layout.serverDir, layout.socketDir, join(home, 'server.json')]) await expect(lstat(gone)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await server.status()).toMatchObject({ initialized: false, running: false });
  }, 120_000);
});

describe("the managed server's reserved connections", () => {
  it('keeps a slot for the superuser when pods sessions hold every other one', async () => {
    const { layout, url } = await new ManagedPostgres({ home: await newHome() }).ensureRunning();
    const held: pg.Client[] = [];
    try {
      let refusal = '';
      for (let i = 0; i < 250 && refusal === ''; i += 1) {
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
