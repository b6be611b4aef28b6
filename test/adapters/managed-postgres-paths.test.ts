import { execFile, spawn } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ManagedPostgres } from '../../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { freshLayout } from '../../src/adapters/persistence/managed-postgres/server-layout.js';
import { ensureServiceUser } from '../../src/adapters/persistence/managed-postgres/service-user.js';
import { managedHomes } from '../support/managed-homes.js';
import { rejection } from '../support/rejection.js';

const isRoot = process.getuid?.() === 0;
const ONE_LINE = /^[^\n]+$/;
const run = promisify(execFile);
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
