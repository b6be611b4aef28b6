import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { committedPayload, EVENTS_CHANNEL } from '../src/adapters/persistence/postgres/notify/event-payloads.js';
import { channelSql } from '../src/adapters/persistence/postgres/notify/schema-channel.js';
import { PodName } from '../src/domain/pod-name.js';
import { startLoopbackModelServer } from '../test/support/loopback-model/loopback-model-server.js';
import { say, scriptTurns } from '../test/support/loopback-model/turn-script.js';
import { startManagedServer } from './bench-stores.js';
import { podsProcess } from './cli-processes.js';
import { defer, pollUntil, runAsScript, runCleanups, within } from './deadline.js';
import { mib, statusBytes } from './process-memory.js';

/**
 * `node dist/bench/host-history-memory.js [PODS_BUNDLE]`: the memory of a host (`pods serve`,
 * the bundle as a user runs it: default dist/pods.mjs, another build's to compare) after one
 * turn on a Pod of 1,000 and one of 200,000 entries (issue 25: ≤ 1.5×), on the managed store.
 * Entries alternate operator input and answers of about 100 bytes, all answered, committed
 * in one statement; the host's model is a loopback chat-completions server answering "ok".
 * Per Pod, one host runs its first turn ever (which trims the request to the default context
 * budget and commits the notice), then a second host, started afresh, runs another turn:
 * the first turn of a host on a Pod whose requests a notice already starts. Each row: the
 * host's CPU time and VmRSS and VmHWM once it serves and its first look at the Pod is done
 * (it reads the history then), the same after the turn, the turn's time (input committed →
 * answer committed), and the items (messages) of the model request.
 */
const SIZES = [['host1k', 1_000], ['host200k', 200_000]] as const;
const BYTES = 100;
const WHOLE_MS = 15 * 60_000;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** `count` entries after `from`, committed in one statement (user input and answers alternating), and the counter moved. */
async function seed(client: pg.Client, pod: string, count: number): Promise<void> {
  await client.query(`insert into history_entry (pod, seq, kind, at, body)
    select $1, s, case when s % 2 = 1 then 'user_input' else 'assistant_message' end, now(),
      case when s % 2 = 1 then json_build_object('text', repeat('q', $3), 'origin', json_build_object('type', 'operator'))
      else json_build_object('text', repeat('a', $3), 'seenThrough', s - 1) end
    from generate_series(1, $2::int) s`, [pod, count, BYTES]);
  await client.query('update pod set last_seq = $2 where name = $1', [pod, count]);
}

/** Operator input committed as pods commits it (the next seq, the counter, the commit notice); its seq. */
async function commitInput(client: pg.Client, pod: string, text: string): Promise<number> {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ seq: number }>('update pod set last_seq = last_seq + 1 where name = $1 returning last_seq as seq', [pod]);
    const seq = rows[0]!.seq;
    await client.query(`insert into history_entry (pod, seq, kind, at, body) values ($1, $2, 'user_input', now(), json_build_object('text', $3::text, 'origin', json_build_object('type', 'operator')))`, [pod, seq, text]);
    await client.query(`select pg_notify(${channelSql('$1')}, $2)`, [EVENTS_CHANNEL, committedPayload('bench', PodName.unsafe(pod), { history: true })]);
    await client.query('commit');
    return seq;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** Linux's USER_HZ, the unit of /proc/PID/stat's times, is 100 on every architecture it runs on here. */
const TICK_MS = 10;

/** CPU time (user + system, in clock ticks) of `pid` so far. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Until `pid` used no CPU for 500 ms. */
async function quiet(pid: number, what: string): Promise<void> {
  let last = -1;
  await pollUntil(120_000, what, 500, async () => {
    const now = await cpuTicks(pid);
    const still = now === last;
    last = now;
    return still ? true : undefined;
  });
}

type HostRun = { readonly startCpuMs: number; readonly servingRss: number; readonly servingHwm: number; readonly rss: number; readonly hwm: number; readonly turnMs: number; readonly requestItems: number };

/** A fresh `pods serve --pod POD`, one turn on it, its memory; then it is stopped. */
async function oneHost(bundle: string, home: string, client: pg.Client, pod: string, turn: string): Promise<HostRun> {
  const model = await startLoopbackModelServer({ script: scriptTurns([], say('ok')) });
  const closeModel = defer('loopback model', model.close);
  const env = { PODS_HOME: home, PODS_MODEL_URL: `${model.url}/v1`, PODS_MODEL: 'bench' };
  const host = podsProcess(bundle, env, 'serve', '--pod', pod);
  const stopHost = defer(`pods serve --pod ${pod}`, host.stop);
  try {
    const pid = host.child.pid!;
    await pollUntil(120_000, `pods serve --pod ${pod} to serve`, 20, async () => (host.output().includes(' serving ') ? true : undefined));
    // Its first look at the Pod (nothing to answer) runs once it serves and says nothing: wait until it goes quiet.
    await quiet(pid, `pods serve --pod ${pod} to look at it`);
    const startCpuMs = (await cpuTicks(pid)) * TICK_MS;
    const servingRss = (await statusBytes(pid, 'VmRSS')) ?? Number.NaN;
    const servingHwm = (await statusBytes(pid, 'VmHWM')) ?? Number.NaN;
    const started = performance.now();
    const seq = await commitInput(client, pod, turn);
    await pollUntil(300_000, `the answer to ${turn}`, 5, async () => {
      const { rows } = await client.query('select 1 from history_entry where pod = $1 and seq > $2 and kind = $3', [pod, seq, 'assistant_message']);
      return rows.length > 0 ? true : undefined;
    });
    const turnMs = performance.now() - started;
    const rss = (await statusBytes(pid, 'VmRSS')) ?? Number.NaN;
    const hwm = (await statusBytes(pid, 'VmHWM')) ?? Number.NaN;
    return { startCpuMs, servingRss, servingHwm, rss, hwm, turnMs, requestItems: model.turns().at(-1)?.items.length ?? 0 };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the host said:\n${host.output().slice(-2_000)}`);
  } finally {
    await stopHost();
    await closeModel();
  }
}

export type HostHistoryRow = HostRun & { readonly pod: string; readonly entries: number; readonly host: 'first' | 'next' };

/** The rows above for `bundle`, on a managed server of its own; each is logged as it is measured. */
export async function hostHistoryMemory(bundle: string, log: (line: string) => void): Promise<HostHistoryRow[]> {
  const server = await within(120_000, 'starting the managed server', startManagedServer());
  const stopServer = defer('managed server', server.stop);
  try {
    // The bundle under test makes its own schema (another build's bundle may predate a migration).
    await within(120_000, 'pods ls (the schema)', new Promise<void>((resolve, reject) => {
      const ls = spawn(process.execPath, [bundle, 'ls'], { env: { ...process.env, PODS_HOME: server.home }, stdio: 'ignore' });
      ls.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pods ls exited ${code}`))));
    }));
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const rows: HostHistoryRow[] = [];
    try {
      for (const [pod, entries] of SIZES) {
        await client.query(`insert into pod (name, scope, parent, created_at) values ($1, '[]', null, now())`, [pod]);
        await within(600_000, `seeding ${pod}`, seed(client, pod, entries));
      }
      await client.query('vacuum analyze history_entry, pod');
      for (const [pod, entries] of SIZES) {
        for (const [host, label, turn] of [['first', 'first turn ever', 'hello'], ['next', 'next host', 'hello again']] as const) {
          const r = await oneHost(bundle, server.home, client, pod, turn);
          rows.push({ ...r, pod, entries, host });
          log(`  ${pod.padEnd(8)} ${entries.toLocaleString('en').padStart(7)} entries, ${label.padEnd(15)}  start + first look: ${r.startCpuMs} ms CPU, RSS ${mib(r.servingRss)}, HWM ${mib(r.servingHwm)}   after the turn: RSS ${mib(r.rss)}, HWM ${mib(r.hwm)}   turn ${r.turnMs.toFixed(0)} ms, ${r.requestItems} request items   (load ${load()})`);
        }
      }
    } finally {
      await client.end();
    }
    const ratio = (host: 'first' | 'next') => {
      const [short, long] = SIZES.map(([pod]) => rows.find((r) => r.pod === pod && r.host === host)!.rss);
      return (long! / short!).toFixed(2);
    };
    log(`  RSS after the turn, 200,000 / 1,000 entries: first host ${ratio('first')}×, next host ${ratio('next')}× (target ≤ 1.5×)`);
    return rows;
  } finally {
    await stopServer();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bundle = process.argv[2] ?? join(import.meta.dirname, '..', 'pods.mjs');
  setTimeout(() => {
    console.error(`host-history-memory: did not finish within ${WHOLE_MS / 60_000} minutes`);
    void runCleanups().finally(() => process.exit(1));
  }, WHOLE_MS).unref();
  console.log(`host history memory: node ${process.version}, ${cpus().length} CPUs, load ${load()}; bundle ${bundle}`);
  runAsScript('host-history-memory', () => hostHistoryMemory(bundle, (line) => console.log(line)));
}
