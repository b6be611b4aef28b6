import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { until } from '../support/until.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
}, 180_000);
afterAll(async () => {
  await cli?.dispose();
}, 120_000);

type Entry = { readonly seq: number; readonly kind: string; readonly from?: string };

describe('`pods serve` without --pod follows the managed store', () => {
  it('picks up Pods created by other processes after it started, so a peer message to one is delivered live and answered there', async () => {
    const home = await cli.home('follow');
    const env = { PODS_HOME: home, PODS_DATABASE_URL: '' };
    const serve = cli.start(['serve'], env);
    try {
      await serve.waitFor('serving no Pods yet', 60_000);
      for (const args of [['create', 'c'], ['create', 'd'], ['peer', 'c', 'd']]) {
        const run = await cli.pods(home, ...args);
        expect(run.code, `pods ${args.join(' ')}: ${run.stderr}`).toBe(0);
      }
      await serve.waitFor('now serving `c`', 30_000);
      await serve.waitFor('now serving `d`', 30_000);

      const sent = await cli.pods(home, 'tool', 'c', 'SendToPeerPod', '{"name":"d","message":"hi"}');
      expect(sent.code, sent.stderr).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ content: { delivered_to: 'live' } });
      await serve.waitFor('`d` turn finished', 30_000);
      const entries = await until(async () => {
        const run = await cli.pods(home, 'history', 'd', '--json');
        const found = JSON.parse(run.stdout) as Entry[];
        return found.some((e) => e.kind === 'assistant_message') ? found : undefined;
      }, 30_000, "d's answer in its history");
      expect(entries.map((e) => e.kind)).toEqual(['peer_message', 'assistant_message']);

      const listed = await cli.pods(home, 'ls', '--json');
      const pods = JSON.parse(listed.stdout) as { name: string; status: string; drivenBy?: string }[];
      expect(pods.map((p) => [p.name, p.status, p.drivenBy])).toEqual([['c', 'idle', 'model'], ['d', 'idle', 'model']]);

      // Named Pods are checked first: a typo is refused, not served.
      const typo = await cli.pods(home, 'serve', '--pod', 'nosuch');
      expect(typo).toMatchObject({ code: 1, stdout: '', stderr: 'pods serve: pod `nosuch` does not exist\n' });

      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      const after = JSON.parse((await cli.pods(home, 'ls', '--json')).stdout) as { status: string }[];
      expect(after.map((p) => p.status)).toEqual(['stopped', 'stopped']);
    } finally {
      serve.child.kill('SIGKILL');
    }
  }, 180_000);

  it('takes a Pod another host releases, and never one that is live elsewhere', async () => {
    const home = await cli.home('release');
    const env = { PODS_HOME: home, PODS_DATABASE_URL: '' };
    for (const args of [['create', 'e'], ['create', 'f'], ['peer', 'e', 'f']]) expect((await cli.pods(home, ...args)).code).toBe(0);
    const first = cli.start(['serve', '--pod', 'e'], env);
    await first.waitFor('serving `e`', 60_000);
    const follower = cli.start(['serve'], env);
    try {
      await follower.waitFor('serving `f` as host_', 60_000);
      // e is live on the first host: the commit to its history is announced, yet e is not taken.
      const sent = await cli.pods(home, 'tool', 'f', 'SendToPeerPod', '{"name":"e","message":"ping"}');
      expect(JSON.parse(sent.stdout)).toMatchObject({ content: { delivered_to: 'live' } });
      await first.waitFor('`e` turn finished', 30_000);
      expect(follower.output().stdout).not.toContain('`e`');

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      await follower.waitFor('now serving `e`', 30_000);
      follower.child.kill('SIGTERM');
      expect(await follower.exited).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
      follower.child.kill('SIGKILL');
    }
  }, 180_000);
});
