import { createServer, type Server } from 'node:net';
import { readFile, symlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConfineRefusal } from '../../src/application/ports/sandbox.js';
import { exists, killGroup, processesWith, rule, runConfined, sandbox, scopeFixture, skipSandbox, startConfined } from './support/confined.js';

describe.skipIf(skipSandbox)('bubblewrap: reads, the process tree, the network', () => {
  let f: Awaited<ReturnType<typeof scopeFixture>>;
  beforeAll(async () => {
    f = await scopeFixture();
  });
  afterAll(() => f.dispose());
  const run = (script: string, env?: Record<string, string>) => runConfined(f.confinement(), f.at('w'), script, 15_000, env);

  it('reads its rules and the system, and nothing else: outside files, homes and withheld paths do not exist inside', async () => {
    const r = await run(
      `cat ${f.at('ro/readme.txt')}; ls /usr/bin/env /etc/resolv.conf /etc/passwd >/dev/null && echo system;` +
        `for p in ${f.at('out/secret.txt')} ${f.at('home/store.db')} /root /home /etc/shadow /etc/ssl/private /var /run /work; do test -e $p && echo "seen $p"; done; true`,
    );
    expect(r.stdout).toBe('readme\nsystem\n');
  });

  it('shows a withheld directory empty and read-only, with the state directory inside it writable', async () => {
    const r = await run(`ls ${f.at('home')}; echo x > ${f.at('home/x')}; echo ok > ${f.at('home/agents/p/ok')}`);
    expect(r.stdout).toBe('agents\n');
    expect(await exists(f.at('home/x'))).toBe(false);
    expect(await exists(f.at('home/agents/p/ok'))).toBe(true);
  });

  it('gives a non-recursive rule its target and direct children, not what lies deeper', async () => {
    const flat = f.confinement([rule(f.at('w'), 'write'), rule(f.at('flat'), 'read', false)], []);
    const r = await runConfined(flat, f.at('w'), `cat ${f.at('flat/f.txt')}; ls ${f.at('flat/d')}; cat ${f.at('flat/d/deep.txt')}`);
    expect(r.stdout).toBe('flat\n');
    expect(r.stderr).toMatch(/deep.txt: No such file/);
  });

  it('shows a rule on a link where the link leads only when that place has the access too, and says so otherwise', async () => {
    await symlink(f.at('w'), f.at('link-to-w'));
    await symlink(f.at('out'), f.at('link-to-out'));
    const c = f.confinement([rule(f.at('w'), 'write'), rule(f.at('link-to-w'), 'write'), rule(f.at('link-to-out'), 'write')], []);
    const confined = await sandbox.confine({ file: 'true', args: [], env: { PATH: '/usr/bin' }, cwd: f.at('w') }, c);
    if (!confined.ok) throw new Error('refused');
    await confined.value.release();
    expect(confined.value.plan.limits).toContain(`${f.at('link-to-out')} is a symbolic link to ${f.at('out')}, outside what its rule grants: not in the sandbox`);
    const r = await runConfined(c, f.at('w'), `echo a > ${f.at('link-to-w/a.txt')}; echo b > ${f.at('link-to-out/b.txt')}`);
    expect(await readFile(f.at('w/a.txt'), 'utf8')).toBe('a\n');
    expect(await exists(f.at('out/b.txt')), r.stderr).toBe(false);
  });

  it('holds a lent path that does not exist yet with an empty read-only stand-in, and says which rules were left out', async () => {
    const c = f.confinement([rule(f.at('w'), 'write'), rule(f.at('not-yet'), 'read')], [rule(f.at('w/later'), 'write')]);
    const confined = await sandbox.confine({ file: 'true', args: [], env: { PATH: '/usr/bin' }, cwd: f.at('w') }, c);
    if (!confined.ok) throw new Error('refused');
    await confined.value.release();
    expect(confined.value.plan.limits).toEqual(expect.arrayContaining([
      `${f.at('not-yet')} does not exist when the agent starts: not in the sandbox`,
      expect.stringMatching(/later does not exist: an empty read-only directory stands in for it/),
    ]));
    const r = await runConfined(c, f.at('w'), 'echo x > later/f; mkdir later/d; ls -A later');
    expect(r.stdout).toBe('');
    expect(await exists(f.at('w/later/f'))).toBe(false);
  });

  it('passes exactly the environment it is given, and keeps it out of the command line', async () => {
    process.env['PODS_TEST_HOST_ONLY'] = 'leak';
    const r = await run('env | sort; cat /proc/1/cmdline | tr "\\0" " "', { PATH: '/usr/bin:/bin', API_KEY: 'sk-secret' });
    delete process.env['PODS_TEST_HOST_ONLY'];
    expect(r.stdout).toContain('API_KEY=sk-secret');
    expect(r.stdout).not.toContain('PODS_TEST_HOST_ONLY');
    expect(r.stdout.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0])).toEqual(['API_KEY', 'PATH', 'PWD']);
    expect(r.stdout.split('\n').at(-1)).not.toContain('sk-secret');
  });

  it('keeps the network: it connects to a server on 127.0.0.1', async () => {
    const server: Server = createServer((socket) => socket.end('pong\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const r = await run(`node -e "require('net').connect(${port}, '127.0.0.1').on('data', (d) => process.stdout.write(d))"`);
    server.close();
    expect(r).toMatchObject({ code: 0, stdout: 'pong\n' });
  });

  it('ends a background subprocess with the command, and leaves nothing when the sandbox is killed as a group', async () => {
    const late = await run(`(sleep 0.3; echo late > ${f.at('w/late.txt')}) & echo started`);
    expect(late.stdout).toBe('started\n');
    await new Promise((r) => setTimeout(r, 600));
    expect(await exists(f.at('w/late.txt'))).toBe(false);

    const marker = `${31_000 + (process.pid % 1000)}.${Date.now() % 100_000}`;
    const { child, output } = await startConfined(sandbox, f.confinement(), { file: 'sh', args: ['-c', `setsid sleep ${marker} & (sleep ${marker} &) ; sleep ${marker}`], cwd: f.at('w') });
    // bwrap and its pid 1 carry the marker in their command lines, then sh (or the sleep it ends in) and two sleeps.
    await waitFor(async () => (await processesWith(marker)).length >= 4, 10_000, async () =>
      `${(await processesWith(marker)).length} processes with the marker; the sandbox ${child.exitCode === null && child.signalCode === null ? 'runs' : `ended (${child.exitCode ?? child.signalCode})`}; stderr: ${output().stderr}`);
    killGroup(child);
    await waitFor(async () => (await processesWith(marker)).length === 0);
  });

  it('leaves nothing when only the bwrap process is killed (--die-with-parent)', async () => {
    const marker = `${32_000 + (process.pid % 1000)}.${Date.now() % 100_000}`;
    const { child } = await startConfined(sandbox, f.confinement(), { file: 'sh', args: ['-c', `setsid sleep ${marker} & sleep ${marker}`], cwd: f.at('w') });
    await waitFor(async () => (await processesWith(marker)).length >= 3);
    child.kill('SIGKILL');
    await waitFor(async () => (await processesWith(marker)).length === 0);
  });

  it('refuses to start a program or a working directory the agent cannot see, in one line', async () => {
    const program = await sandbox.confine({ file: f.at('out/agent'), args: [], env: {}, cwd: f.at('w') }, f.confinement());
    expect(program.ok || describeConfineRefusal(program.error)).toMatch(/^the agent's program .*out\/agent is not readable inside the sandbox/);
    const cwd = await sandbox.confine({ file: 'sh', args: [], env: { PATH: '/usr/bin:/bin' }, cwd: f.at('out') }, f.confinement());
    expect(cwd.ok || describeConfineRefusal(cwd.error)).toMatch(/^the working directory .*out is not inside the Pod's scope/);
  });

});

async function waitFor(condition: () => Promise<boolean>, ms = 10_000, state?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting${state ? `: ${await state()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
