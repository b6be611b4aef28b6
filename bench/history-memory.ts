import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startManagedServer } from './bench-stores.js';
import { defer, pollUntil, runCleanups, within } from './deadline.js';
import { mib, statusBytes } from './process-memory.js';
import { tuiAttach } from './tui-attach.js';

/**
 * `node dist/bench/history-memory.js [PODS_BUNDLE]`: the peak memory (VmHWM) of `pods history`,
 * `pods history --json`, a TUI attaching and `pods watch` against the length of a Pod's history
 * (issue 25: ≤ 1.5× from 1,000 to 200,000 entries), through the bundle as a user runs it
 * (default dist/pods.mjs; another build's bundle to compare). Entries alternate operator input
 * and answers of about 100 bytes; a third Pod holds 1,000 entries of 64 KiB. `history` runs to
 * the end with stdout to /dev/null (GNU time's max RSS); the TUI (`pods tui --pod`, in tmux)
 * attaches twice, once taking the Pod's lease (so its host looks at the Pod too) and once
 * viewing it (the bench holds the lease for another host: what the TUI alone reads), each
 * timed to its tail on the screen; `watch` follows the Pod, and its VmHWM is read once it has
 * printed a burst of N entries committed in one transaction. BENCH_SKIP_TUI=1 leaves the TUI out.
 */
const SIZES = [['small1k', 1_000, 100], ['small200k', 200_000, 100], ['big1k', 1_000, 64 * 1024]] as const;
const WHOLE_MS = 15 * 60_000;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** `count` entries after `from`, committed in one statement (user input and answers alternating), and the counter moved. */
async function commit(client: pg.Client, pod: string, from: number, count: number, bytes: number): Promise<void> {
  await client.query(`insert into history_entry (pod, seq, kind, at, body)
    select $1, s, case when s % 2 = 1 then 'user_input' else 'assistant_message' end, now(),
      case when s % 2 = 1 then json_build_object('text', repeat('q', $4), 'origin', json_build_object('type', 'operator'))
      else json_build_object('text', repeat('a', $4), 'seenThrough', s - 1) end
    from generate_series($2::int + 1, $2::int + $3::int) s`, [pod, from, count, bytes]);
  await client.query('update pod set last_seq = $2 where name = $1', [pod, from + count]);
}

async function peakOfHistory(bundle: string, home: string, pod: string, json: boolean): Promise<{ peak: number; seconds: number }> {
  const args = ['-f', '%M %e', process.execPath, bundle, 'history', pod, ...(json ? ['--json'] : [])];
  // stdout to /dev/null: what is measured is the command, not a reader holding its output.
  const child = spawn('/usr/bin/time', args, { env: { ...process.env, PODS_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await within(600_000, `pods history ${pod}`, new Promise<number | null>((resolve) => child.once('exit', resolve)));
  if (code !== 0) throw new Error(`pods history ${pod} exited ${code}: ${stderr.trim()}`);
  const [kb, seconds] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { peak: (kb ?? Number.NaN) * 1024, seconds: seconds ?? Number.NaN };
}

/** `pods watch POD` while `count` entries commit at once: its peak memory once it has printed them all. */
async function peakOfWatch(bundle: string, home: string, client: pg.Client, pod: string, from: number, count: number, bytes: number): Promise<number> {
  const child = spawn(process.execPath, [bundle, 'watch', pod], { env: { ...process.env, PODS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = defer(`pods watch ${pod}`, async () => void child.kill('SIGKILL'));
  let lines = 0;
  let following = false;
  child.stdout.on('data', (chunk: Buffer) => { for (const byte of chunk) if (byte === 10) lines += 1; });
  child.stderr.on('data', (chunk: Buffer) => { if (chunk.toString().includes('following')) following = true; });
  try {
    await pollUntil(30_000, `pods watch ${pod} to follow`, 20, async () => following || undefined);
    await commit(client, pod, from, count, bytes);
    await pollUntil(300_000, `pods watch ${pod} to print ${count} entries`, 50, async () => lines >= count || undefined);
    const peak = await statusBytes(child.pid!, 'VmHWM');
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    return peak ?? Number.NaN;
  } finally {
    await stop();
  }
}

/** The TUI attaching to `pod` as its host, then viewing it while the bench holds its lease for another host. */
async function attachBoth(bundle: string, home: string, client: pg.Client, pod: string, head: number): Promise<string> {
  const hosts = await tuiAttach(bundle, home, pod, head);
  await client.query(`insert into lease (pod, host_id, status, expires_at, driver, renewed_at) values ($1, 'host_bench', 'idle', now() + interval '1 hour', 'model', now())`, [pod]);
  const release = defer(`the bench's lease on ${pod}`, async () => void (await client.query('delete from lease where pod = $1', [pod])));
  try {
    const views = await tuiAttach(bundle, home, pod, head);
    return `   tui attach (hosts) ${mib(hosts.peak)} (${hosts.seconds.toFixed(2)} s)   tui attach (views) ${mib(views.peak)} (${views.seconds.toFixed(2)} s)`;
  } finally {
    await release();
  }
}

async function main(): Promise<void> {
  const bundle = process.argv[2] ?? join(import.meta.dirname, '..', 'pods.mjs');
  console.log(`history memory: node ${process.version}, ${cpus().length} CPUs, load ${load()}; bundle ${bundle}`);
  const server = await within(120_000, 'starting the managed server', startManagedServer());
  const stopServer = defer('managed server', server.stop);
  // The bundle under test makes its own schema (another build's bundle may predate a migration).
  await within(120_000, 'pods ls (the schema)', new Promise<void>((resolve, reject) => {
    const ls = spawn(process.execPath, [bundle, 'ls'], { env: { ...process.env, PODS_HOME: server.home }, stdio: 'ignore' });
    ls.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pods ls exited ${code}`))));
  }));
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    for (const [pod, entries, bytes] of SIZES) {
      await client.query(`insert into pod (name, scope, parent, created_at) values ($1, '[]', null, now())`, [pod]);
      await within(600_000, `seeding ${pod}`, commit(client, pod, 0, entries, bytes));
    }
    await client.query('vacuum analyze history_entry, pod');
    for (const [pod, entries, bytes] of SIZES) {
      const text = await peakOfHistory(bundle, server.home, pod, false);
      const json = await peakOfHistory(bundle, server.home, pod, true);
      const tui = process.env['BENCH_SKIP_TUI'] === '1' ? '' : await attachBoth(bundle, server.home, client, pod, entries);
      const watched = await peakOfWatch(bundle, server.home, client, pod, entries, Math.min(entries, 200_000), bytes);
      console.log(`  ${pod.padEnd(10)} ${entries.toLocaleString('en').padStart(7)} entries of ${bytes.toLocaleString('en')} B   history ${mib(text.peak)} (${text.seconds} s)   --json ${mib(json.peak)} (${json.seconds} s)${tui}   watch of a burst of ${Math.min(entries, 200_000).toLocaleString('en')} ${mib(watched)}   (load ${load()})`);
    }
  } finally {
    await client.end();
  }
  await stopServer();
}

setTimeout(() => {
  console.error(`history-memory: did not finish within ${WHOLE_MS / 60_000} minutes`);
  void runCleanups().finally(() => process.exit(1));
}, WHOLE_MS).unref();
main().then(
  async () => process.exit((await runCleanups()) ? 0 : 1),
  async (error: unknown) => {
    console.error(`history-memory: ${error instanceof Error ? error.message : String(error)}`);
    await runCleanups();
    process.exit(1);
  },
);
