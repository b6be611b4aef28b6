import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type ProcessRun } from './built-cli.js';

const isRoot = process.getuid?.() === 0;
const run = promisify(execFile);

let cli: Awaited<ReturnType<typeof buildCli>>;
/** A local user of its own, made for this file and deleted after it. */
const stranger = `podst${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  if (!isRoot) return;
  await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', stranger]);
  cli = await buildCli();
}, 180_000);
afterAll(async () => {
  await cli?.dispose();
  if (isRoot) await run('userdel', [stranger]).catch(() => undefined);
}, 120_000);

/** The built CLI as `user`, with nothing of this process's environment but PATH and PODS_HOME. */
function podsAs(user: string, home: string, ...args: string[]): Promise<ProcessRun> {
  const argv = ['-u', user, '--', 'env', '-i', `PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}`, 'HOME=/nonexistent', `PODS_HOME=${home}`, process.execPath, cli.main, ...args];
  return new Promise((resolve) => {
    execFile('runuser', argv, { cwd: '/', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe.runIf(isRoot)("another local user and root's store", () => {
  it('tells another user in one line that the store belongs to root, and leaves no file in its home', async () => {
    const home = await cli.home('root-home');
    expect(await cli.pods(home, 'create', 'a')).toMatchObject({ code: 0 });
    const before = (await readdir(home)).sort();
    const refusal = `the store under ${home} belongs to another user (root); set PODS_HOME to a directory of your own, or run pods as root`;

    expect(await podsAs(stranger, home, 'ls')).toEqual({ code: 2, stdout: '', stderr: `pods ls: ${refusal}\n` });
    expect(await podsAs(stranger, home, 'store', 'status')).toEqual({ code: 2, stdout: '', stderr: `pods store: ${refusal}\n` });
    expect(await podsAs(stranger, home, 'store', 'rm')).toEqual({ code: 2, stdout: '', stderr: `pods store: ${refusal}\n` });
    expect((await readdir(home)).sort()).toEqual(before);
    // Root's own store is untouched.
    expect((await cli.pods(home, 'ls')).stdout).toMatch(/^a +/m);
  }, 120_000);

  it('says the same of a home behind a directory of root that the user may not search, like /root/.pods', async () => {
    const home = await cli.home('private/.pods');
    await chmod(dirname(home), 0o700);
    expect(await podsAs(stranger, home, 'ls')).toEqual({
      code: 2,
      stdout: '',
      stderr: `pods ls: the store under ${home} belongs to another user (root); set PODS_HOME to a directory of your own, or run pods as root\n`,
    });
  }, 60_000);
});

describe.runIf(isRoot)('a store root keeps outside PODS_HOME', () => {
  it('is shown where it lives, and `pods store rm` removes it once the server is stopped', async () => {
    const home = await cli.home('relocated');
    // The service user cannot pass through: the server's files go to /var/lib/pods/stores/<hash>.
    await chmod(home, 0o700);
    const created = await cli.pods(home, 'create', 'a');
    expect(created.code, created.stderr).toBe(0);
    const status = JSON.parse((await cli.pods(home, 'store', 'status', '--json')).stdout) as { serverDir: string; dataDir: string; outsideHome: boolean };
    expect(status).toMatchObject({ outsideHome: true, serverDir: expect.stringMatching(/^\/var\/lib\/pods\/stores\/[0-9a-f]{16}$/) });
    expect((await cli.pods(home, 'store', 'status')).stdout).toMatch(
      new RegExp(`^data: +${status.dataDir} \\([\\d.]+ MB; outside PODS_HOME, which the service user cannot reach; \`pods store rm\` removes it\\)$`, 'm'),
    );

    const refused = await cli.pods(home, 'store', 'rm');
    expect(refused).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^pods store: the store server runs \(pid \d+\); stop it with `pods store stop`, then remove the store\n$/) });
    expect((await stat(status.serverDir)).isDirectory()).toBe(true);

    expect((await cli.pods(home, 'store', 'stop')).code).toBe(0);
    expect(await cli.pods(home, 'store', 'rm')).toEqual({ code: 0, stdout: `removed the store under ${home}: ${status.serverDir}\n`, stderr: '' });
    await expect(stat(status.serverDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await cli.pods(home, 'store', 'status')).stdout).toMatch(/^server: +not created yet/m);
    expect(await cli.pods(home, 'store', 'rm')).toEqual({ code: 0, stdout: `there is no store under ${home}; nothing to remove\n`, stderr: '' });
  }, 120_000);
});
