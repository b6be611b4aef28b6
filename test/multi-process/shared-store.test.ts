import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { until } from '../support/until.js';
import { HAS_TMUX, tmuxServer } from '../tui/tmux.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
const tmux = tmuxServer('pods-shared-store');
beforeAll(async () => {
  cli = await buildCli();
}, 180_000);
afterAll(async () => {
  await tmux.kill();
  await cli?.dispose();
}, 120_000);

type StoreStatus = { readonly running: boolean; readonly pid?: number; readonly dataDir: string };
type Entry = { readonly seq: number; readonly kind: string; readonly from?: string; readonly body?: string };

const json = (stdout: string): unknown => JSON.parse(stdout);

async function storeStatus(home: string): Promise<StoreStatus> {
  const run = await cli.pods(home, 'store', 'status', '--json');
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return json(run.stdout) as StoreStatus;
}

async function history(home: string, pod: string): Promise<Entry[]> {
  const run = await cli.pods(home, 'history', pod, '--json');
  expect(run.code, run.stderr).toBe(0);
  return json(run.stdout) as Entry[];
}

/** Pids of the PostgreSQL postmasters whose command line names `dataDir` (their children retitle themselves). */
async function postmastersOf(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const state = (await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '')).replace(/^.*\) /s, '').charAt(0);
    if (/\/postgres$/.test(argv[0] ?? '') && argv[argv.indexOf('-D') + 1] === dataDir && state !== 'Z') pids.push(Number(name));
  }
  return pids;
}

describe('processes sharing one managed store', () => {
  it('ends with one server when two processes race to make the store', async () => {
    const home = await cli.home('race');
    const [a, b] = await Promise.all([cli.pods(home, 'create', 'a'), cli.pods(home, 'create', 'b')]);
    expect(a, a.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created pod `a`/) });
    expect(b, b.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created pod `b`/) });
    // Only one of them made the cluster; the other waited for it and connected.
    expect(`${a.stderr}${b.stderr}`.match(/first run: creating the pods store/g)).toHaveLength(1);

    const status = await storeStatus(home);
    expect(status.running).toBe(true);
    expect(await postmastersOf(status.dataDir)).toEqual([status.pid]);
    const listed = await cli.pods(home, 'ls');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^a +/m);
    expect(listed.stdout).toMatch(/^b +/m);
  }, 180_000);

  it('restarts a SIGKILLed server on the next command, with every committed entry', async () => {
    const home = await cli.home('killed');
    for (const args of [['create', 'a'], ['create', 'b'], ['peer', 'a', 'b']]) {
      const run = await cli.pods(home, ...args);
      expect(run.code, run.stderr).toBe(0);
    }
    const bodies = ['one', 'two', 'three'];
    for (const message of bodies) {
      const sent = await cli.pods(home, 'tool', 'a', 'SendToPeerPod', JSON.stringify({ name: 'b', message }));
      expect(sent.code, sent.stderr).toBe(0);
    }
    const before = await storeStatus(home);
    if (before.pid === undefined) throw new Error('the store server has no pid');
    process.kill(before.pid, 'SIGKILL');

    // Run at once: the killed server may still be a zombie its new parent (init) has not reaped.
    const run = await cli.pods(home, 'history', 'b', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^pods: started the store server \(PostgreSQL 18[\d.]*, pid \d+\)/);
    expect((json(run.stdout) as Entry[]).map((e) => [e.seq, e.kind, e.from, e.body])).toEqual(bodies.map((body, i) => [i + 1, 'peer_message', 'a', body]));
    const after = await storeStatus(home);
    expect(after.running).toBe(true);
    expect(after.pid).not.toBe(before.pid);
    expect(await postmastersOf(after.dataDir)).toEqual([after.pid]);
  }, 180_000);
});

/** `pods …` in a terminal, on the managed store under `home`, never a store from the environment. */
const podsCommand = (home: string, ...args: string[]) => ['env', '-u', 'PODS_DATABASE_URL', `PODS_HOME=${home}`, process.execPath, cli.main, ...args];

describe.skipIf(!HAS_TMUX)(`a TUI, a host and the CLI on one store at once${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('peers from the CLI while both run, and a peer message from the TUI is answered by the host', async () => {
    const home = await cli.home('three');
    expect((await cli.pods(home, 'create', 'b')).code).toBe(0);
    const serve = cli.start(['serve', '--pod', 'b'], { PODS_HOME: home, PODS_DATABASE_URL: '' });
    try {
      await serve.waitFor('serving `b`', 60_000);
      const tui = await tmux.open('three', podsCommand(home, 'tui'));
      await tui.waitFor(/attached to `main`[^\n]*\n[^]*main> $/m, 60_000);

      const peered = await cli.pods(home, 'peer', 'main', 'b');
      expect(peered, peered.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^`main` and `b` are now peers/) });
      // The TUI reads relations from the store on every command: no restart needed to see the new peer.
      await tui.type(':pods');
      await tui.press('Enter');
      await tui.waitFor(/main> :pods\nNAME +RELATION +STATUS +PROFILE +DRIVEN BY +RESTORABLE\nb +peer +\S+ +default +model /, 60_000);

      await tui.type('/tool SendToPeerPod {"name":"b","message":"hi b"}');
      await tui.press('Enter');
      const sent = await tui.waitFor(/· turn finished after 2 steps in \d+ ms\n── main · runs here · idle\nmain> $/m, 60_000);
      expect(sent).toMatch(/\[tool SendToPeerPod\] → ok: sent peer message to `b`/);
      await serve.waitFor('`b` turn finished', 60_000);

      const entries = await until(async () => {
        const found = await history(home, 'b');
        return found.some((e) => e.kind === 'assistant_message') ? found : undefined;
      }, 60_000, "b's answer in its history");
      expect(entries).toEqual([
        expect.objectContaining({ seq: 1, kind: 'peer_message', from: 'main', body: 'hi b' }),
        expect.objectContaining({ seq: 2, kind: 'assistant_message' }),
      ]);
      const explained = await cli.pods(home, 'explain', 'b', '1');
      expect(explained.code, explained.stderr).toBe(0);
      expect(explained.stdout).toMatch(/← created by `pods peer main b` at /);

      await tui.press('C-d');
      await tui.waitFor('[exit 0]', 60_000);
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
    } finally {
      serve.child.kill('SIGKILL');
    }
  }, 180_000);
});
