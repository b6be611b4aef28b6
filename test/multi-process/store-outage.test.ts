import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { HAS_TMUX, tmuxServer } from '../tui/tmux.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
const tmux = tmuxServer('pods-store-outage');
beforeAll(async () => {
  cli = await buildCli();
}, 180_000);
afterAll(async () => {
  await tmux.kill();
  await cli?.dispose();
}, 120_000);

type Entry = { readonly seq: number; readonly kind: string; readonly from?: string; readonly body?: string };

const podsCommand = (home: string, ...args: string[]) => ['env', '-u', 'PODS_DATABASE_URL', `PODS_HOME=${home}`, process.execPath, cli.main, ...args];

async function must(home: string, ...args: string[]): Promise<string> {
  const run = await cli.pods(home, ...args);
  expect(run.code, `pods ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

describe.skipIf(!HAS_TMUX)(`hosts and a TUI while the store server stops and comes back${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('survive, say so in one line each way, and answer a peer message sent after the restart', async () => {
    const home = await cli.home('outage');
    for (const args of [['create', 'a'], ['create', 'b'], ['peer', 'a', 'b']]) await must(home, ...args);
    const serve = cli.start(['serve', '--pod', 'b'], { PODS_HOME: home, PODS_DATABASE_URL: '' });
    try {
      await serve.waitFor('serving `b`', 60_000);
      const tui = await tmux.open('outage', podsCommand(home, 'tui', '--pod', 'a'));
      await tui.waitFor(/attached to `a`[^]*a> $/m, 60_000);

      expect(await must(home, 'store', 'stop')).toMatch(/^stopped the store server \(pid \d+\); \d+ connection\(s\) were closed\n$/);
      const stopped = Date.now();
      await serve.waitFor('the store is unreachable', 60_000);
      const serveDetected = Date.now() - stopped;
      await tui.waitFor('the store is unreachable', 60_000);
      const tuiDetected = Date.now() - stopped;

      // A line typed while the store is away is not lost: it comes back to the prompt.
      await tui.type('typed during the outage');
      await tui.press('Enter');
      await tui.waitFor(/not sent: the store is unreachable[^\n]*\n(.*\n)*a> typed during the outage$/m, 60_000);

      expect(await must(home, 'store', 'start')).toMatch(/^started the store server \(pid \d+\)\n$/);
      const started = Date.now();
      await serve.waitFor('the store is back after', 60_000);
      const serveBack = Date.now() - started;
      await tui.waitFor('· the store is back after', 60_000);
      console.log(`store outage: detected by pods serve in ${serveDetected} ms and by the TUI in ${tuiDetected} ms; back ${serveBack} ms (serve) and ${Date.now() - started} ms (TUI) after the server answered again`);
      await tui.press('Enter'); // send the restored line now
      await tui.waitFor('#1 [you] typed during the outage', 60_000);

      const sent = JSON.parse(await must(home, 'tool', 'a', 'SendToPeerPod', '{"name":"b","message":"after the restart"}')) as { content: { delivered_to: string } };
      expect(sent.content.delivered_to).toBe('live');
      await serve.waitFor('`b` turn finished', 60_000);
      const deadline = Date.now() + 60_000;
      let entries: Entry[] = [];
      while (!entries.some((e) => e.kind === 'assistant_message')) {
        if (Date.now() > deadline) throw new Error(`b never answered: ${JSON.stringify(entries)}`);
        await new Promise((r) => setTimeout(r, 50));
        entries = JSON.parse(await must(home, 'history', 'b', '--json')) as Entry[];
      }
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries).toEqual([
        expect.objectContaining({ seq: 1, kind: 'peer_message', from: 'a', body: 'after the restart' }),
        expect.objectContaining({ seq: 2, kind: 'assistant_message' }),
      ]);

      const shown = await tui.waitFor(/a> $/m);
      for (const output of [serve.output().stdout + serve.output().stderr, shown]) {
        expect(output).not.toMatch(/^\s+at /m);
        expect(output).not.toContain('internal error');
        // One notice each way; the refused line names the cause too, but is no notice.
        expect(output.match(/the store is unreachable[^\n]*(keeping the Pods and retrying|keeps its Pods and retries)/g)).toHaveLength(1);
        expect(output.match(/the store is back after/g)).toHaveLength(1);
      }
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
    } finally {
      serve.child.kill('SIGKILL');
    }
  }, 240_000);

  it('keeps every Pod a host serves through an outage several lease lifetimes long', async () => {
    const home = await cli.home('long-outage');
    const ttl = 600;
    for (const pod of ['p1', 'p2', 'p3']) await must(home, 'create', pod);
    const serve = cli.start(['serve', '--pod', 'p1', '--pod', 'p2', '--pod', 'p3'], { PODS_HOME: home, PODS_DATABASE_URL: '', PODS_LEASE_TTL_MS: String(ttl) });
    try {
      await serve.waitFor('serving `p1`, `p2`, `p3`', 60_000);
      await must(home, 'store', 'stop');
      const stopped = Date.now();
      await serve.waitFor('the store is unreachable', 60_000);
      // The outage has to outlast the leases: every one of them expires in the store meanwhile.
      while (Date.now() - stopped < 5 * ttl) await new Promise((r) => setTimeout(r, 50));
      await must(home, 'store', 'start');
      await serve.waitFor('the store is back after', 60_000);
      const hosts = async () => (JSON.parse(await must(home, 'ls', '--json')) as { name: string; hostId?: string }[]).map((p) => p.hostId);
      // Renewed within a renewal period of the store's return: all three on the one host, none lost.
      let held = await hosts();
      for (const until = Date.now() + 10_000; !(held[0]?.startsWith('host_') && held.every((h) => h === held[0])) && Date.now() < until; held = await hosts());
      expect(held).toEqual([expect.stringMatching(/^host_/), held[0], held[0]]);
      expect(serve.output().stdout).not.toContain('no longer runs here');
      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
    } finally {
      serve.child.kill('SIGKILL');
    }
  }, 240_000);
});
