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

/** Waits for `check` to hold, within a deadline (never a fixed sleep). */
const eventually = (check: () => boolean, what: string, ms = 30_000): Promise<true> => until(async () => (check() ? true : undefined), ms, what);

describe('pods watch: history as it commits, from other processes (built CLI, managed store)', () => {
  it('prints each entry committed by other processes as one JSON line, Pods created meanwhile included, and stops on SIGINT with exit 0', async () => {
    const home = await cli.home('watch');
    expect((await cli.pods(home, 'create', 'a')).code).toBe(0);
    expect((await cli.pods(home, 'create', 'b')).code).toBe(0);
    expect((await cli.pods(home, 'peer', 'a', 'b')).code).toBe(0);
    expect((await cli.pods(home, 'tool', 'a', 'SendToPeerPod', '{"name":"b","message":"before watching"}')).code).toBe(0);

    const all = cli.start(['watch', '--jsonl'], { PODS_HOME: home, PODS_DATABASE_URL: '' });
    const onlyA = cli.start(['watch', 'a'], { PODS_HOME: home, PODS_DATABASE_URL: '' });
    await eventually(() => all.output().stderr.includes('following every Pod (Ctrl+C stops)'), 'watch --jsonl following');
    await eventually(() => onlyA.output().stderr.includes('following `a` (Ctrl+C stops)'), 'watch a following');

    expect((await cli.pods(home, 'tool', 'a', 'SendToPeerPod', '{"name":"b","message":"to b"}')).code).toBe(0);
    expect((await cli.pods(home, 'create', 'c')).code).toBe(0);
    expect((await cli.pods(home, 'peer', 'c', 'a')).code).toBe(0);
    expect((await cli.pods(home, 'tool', 'c', 'SendToPeerPod', '{"name":"a","message":"to a"}')).code).toBe(0);

    const lines = () => all.output().stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    await eventually(() => lines().length >= 2, 'two JSON lines');
    await eventually(() => onlyA.output().stdout.includes('\n'), 'a line for a');
    expect(lines()).toEqual([
      expect.objectContaining({ pod: 'b', seq: 2, kind: 'peer_message', from: 'a', body: 'to b', pairSeq: 2, at: expect.stringMatching(/^\d{4}-/) }),
      expect.objectContaining({ pod: 'a', seq: 1, kind: 'peer_message', from: 'c', body: 'to a', pairSeq: 1 }),
    ]);
    expect(onlyA.output().stdout).toBe('[a] #1 peer_message from c: to a\n');

    all.child.kill('SIGINT');
    onlyA.child.kill('SIGTERM');
    expect(await all.exited).toBe(0);
    expect(await onlyA.exited).toBe(0);
    const missing = await cli.pods(home, 'watch', 'ghost');
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'pods watch: pod `ghost` does not exist\n' });
  }, 120_000);
});
