import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { countConnections } from '../src/adapters/persistence/managed-postgres/connection-holders.js';
import { ManagedPostgres } from '../src/adapters/persistence/managed-postgres/managed-postgres.js';
import { SERVER_SETTINGS } from '../src/adapters/persistence/managed-postgres/server-process.js';
import { withSocketClient } from '../src/adapters/persistence/managed-postgres/socket-client.js';
import { SUPERUSER } from '../src/adapters/persistence/managed-postgres/access-rules.js';
import { UNIT_OF_WORK } from '../src/application/ports/unit-of-work.js';
import { SubmitOperatorInput } from '../src/application/use-cases/submit-operator-input.js';
import { openInversifyContainer } from '../src/composition/container.js';
import { MessageBody } from '../src/domain/message-body.js';
import { PodName } from '../src/domain/pod-name.js';
import { startLoopbackModelServer } from '../test/support/loopback-model/loopback-model-server.js';
import { say, scriptTurns } from '../test/support/loopback-model/turn-script.js';
import { pods, podsProcess } from './cli-processes.js';
import { defer, pollUntil, runCleanups, within } from './deadline.js';
import { mib, treeMemory } from './process-memory.js';

/**
 * `node dist/bench/many-hosts.js` (after `npm run build`; not part of `npm run bench`: it
 * takes minutes and about 10 GB): HOSTS (default 150) real `pods serve` processes at once on
 * one managed server as pods configures it (SERVER_SETTINGS), each serving PODS_PER_HOST
 * Pods (default 2) with an OpenAI-compatible loopback model, started WAVE at a time (default
 * 10). Measures the time to start them all, the connections they hold (pg_stat_activity by
 * application_name, read as the superuser), the server's and the hosts' memory (RSS and PSS),
 * their CPU idle over WINDOW_MS (default 30 s), that a new command still gets in, and that a
 * Pod on the last host still answers a turn; then fills the server's remaining slots and
 * shows what a new `pods ls` prints.
 */
const ENTRY = fileURLToPath(new URL('../pods.mjs', import.meta.url));
const HOSTS = Number(process.env['HOSTS'] ?? '150');
const PODS_PER_HOST = Number(process.env['PODS_PER_HOST'] ?? '2');
const WAVE = Number(process.env['WAVE'] ?? '10');
const SETTLE_MS = Number(process.env['SETTLE_MS'] ?? '10000');

const WINDOW_MS = Number(process.env['WINDOW_MS'] ?? '30000');
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

/** utime + stime (+ cutime + cstime with `children`) of `pid`, in seconds. */
async function cpuOf(pid: number, children: boolean): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = (n: number) => Number(fields[n - 3] ?? 0); // 1-based fields after the name: utime 14, stime 15, cutime 16, cstime 17
  return (at(14) + at(15) + (children ? at(16) + at(17) : 0)) / TICK;
}

async function hostsCpu(hosts: readonly { readonly child: { readonly pid?: number | undefined } }[]): Promise<number> {
  let total = 0;
  for (const host of hosts) total += await cpuOf(host.child.pid ?? 0, true);
  return total;
}

/** The postmaster's CPU with its exited backends', plus every live child's. */
async function serverCpu(postmaster: number): Promise<number> {
  let total = await cpuOf(postmaster, true);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += await cpuOf(Number(entry), false);
  }
  return total;
}

const podOf = (host: number, pod: number): string => `h${String(host).padStart(3, '0')}-${pod}`;
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const seconds = (from: number): string => ((performance.now() - from) / 1000).toFixed(1);

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${gib(totalmem())} memory, ${gib(freemem())} free, load average ${load()} at start`);
  console.log(`${HOSTS} hosts × ${PODS_PER_HOST} Pods, started ${WAVE} at a time; server settings max_connections ${SERVER_SETTINGS.max_connections}, superuser_reserved_connections ${SERVER_SETTINGS.superuser_reserved_connections}, shared_buffers ${SERVER_SETTINGS.shared_buffers}`);
  const home = await mkdtemp(join(tmpdir(), 'pods-many-hosts-'));
  // Searchable, so that as root the server's service user reaches its directory inside.
  await chmod(home, 0o755);
  const server = new ManagedPostgres({ home });
  defer('the managed server and its home', async () => {
    await server.stop().catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  });
  const { url, pid: postmaster, layout } = await within(120_000, 'starting the managed server', server.ensureRunning());
  if (postmaster === undefined) throw new Error('the managed server has no pid');

  const { container, close } = await openInversifyContainer({ kind: 'postgres', url });
  defer('the bench\'s own store connection', close);
  await container.get(UNIT_OF_WORK).run(async (repos) => {
    const at = new Date();
    for (let h = 0; h < HOSTS; h += 1) {
      for (let p = 0; p < PODS_PER_HOST; p += 1) await repos.pods.add({ name: PodName.unsafe(podOf(h, p)), scope: [], origin: { type: 'operator' }, createdAt: at });
    }
  });

  const model = await startLoopbackModelServer({ script: scriptTurns([], say('still here')) });
  defer('the loopback model server', model.close);
  const env = { PODS_HOME: home, PODS_DATABASE_URL: '', PODS_MODEL_URL: `${model.url}/v1`, PODS_MODEL: 'bench', PODS_API_KEY: 'loopback-not-a-real-key' };

  const hosts: ReturnType<typeof podsProcess>[] = [];
  defer('the hosts', async () => {
    await Promise.all(hosts.map((host) => host.stop()));
  });
  const began = performance.now();
  const waves: string[] = [];
  for (let first = 0; first < HOSTS; first += WAVE) {
    const wave = performance.now();
    const started: { readonly host: ReturnType<typeof podsProcess>; readonly last: string }[] = [];
    for (let h = first; h < Math.min(first + WAVE, HOSTS); h += 1) {
      const args = Array.from({ length: PODS_PER_HOST }, (_, p) => ['--pod', podOf(h, p)]).flat();
      const host = podsProcess(ENTRY, env, 'serve', ...args);
      hosts.push(host);
      started.push({ host, last: podOf(h, PODS_PER_HOST - 1) });
    }
    await pollUntil(180_000, `wave from host ${first} serving`, 100, async () => {
      for (const { host } of started) {
        if (host.child.exitCode !== null) throw new Error(`a host exited: ${host.output().slice(-500)}`);
      }
      // `… serving `h000-0`, `h000-1` as host_…`, once it holds every Pod it was given.
      return started.every(({ host, last }) => host.output().includes(`\`${last}\` as host_`)) ? true : undefined;
    });
    waves.push(seconds(wave));
  }
  console.log(`started ${HOSTS} hosts in ${seconds(began)} s (waves of ${WAVE}: ${waves.join(', ')} s); load ${load()}; ${gib(freemem())} free`);

  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const count = await countConnections(layout.socketDir);
  if (!count) throw new Error('could not count the server\'s connections as its superuser');
  const perHost = await withSocketClient(layout.socketDir, 'postgres', async (client) =>
    (await client.query<{ n: number; hosts: number }>(
      `select n, count(*)::int as hosts from (select application_name, count(*)::int as n from pg_stat_activity
         where backend_type = 'client backend' and application_name like 'pods serve %' group by application_name) per group by n order by n`,
    )).rows, SUPERUSER);
  console.log(`connections after ${SETTLE_MS / 1000} s settled: ${count.pods.map((c) => `${c.connections} by ${c.processes} \`pods ${c.command}\``).join(', ')}, ${count.others} by other clients; ` +
    `per host: ${perHost.map((r) => `${r.hosts} hosts hold ${r.n}`).join(', ')}; limit ${count.limit} (${count.reserved} for the superuser)`);

  // What the idle hosts cost the machine: CPU of the hosts and of the server (its backends included) over the window.
  const cpu0 = { hosts: await hostsCpu(hosts), server: await serverCpu(postmaster), at: performance.now() };
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const window = (performance.now() - cpu0.at) / 1000;
  const [hostsUsed, serverUsed] = [(await hostsCpu(hosts)) - cpu0.hosts, (await serverCpu(postmaster)) - cpu0.server];
  console.log(`idle for ${window.toFixed(0)} s: hosts ${((100 * hostsUsed) / window).toFixed(1)} % of a core in all (${((100 * hostsUsed) / window / HOSTS).toFixed(2)} % each), ` +
    `server ${((100 * serverUsed) / window).toFixed(1)} %; load ${load()}`);

  const serverMemory = await treeMemory(postmaster);
  let rss = 0;
  let pss = 0;
  for (const host of hosts) {
    const memory = await treeMemory(host.child.pid ?? 0);
    rss += memory.rssBytes;
    pss += memory.pssBytes;
  }
  console.log(`memory: server ${serverMemory.processes} processes, RSS ${mib(serverMemory.rssBytes)}, PSS ${mib(serverMemory.pssBytes)}; ` +
    `hosts RSS ${mib(rss)} (${mib(rss / HOSTS)} each), PSS ${mib(pss)} (${mib(pss / HOSTS)} each); ${gib(freemem())} free`);

  const listed = performance.now();
  const ls = await pods(ENTRY, env, 'ls', '--limit', '1');
  console.log(`\`pods ls\` beside them: ${seconds(listed)} s (${ls.split('\n')[1]?.split(/\s+/).slice(0, 3).join(' ')})`);

  const lastHost = hosts.at(-1);
  const lastPod = podOf(HOSTS - 1, PODS_PER_HOST - 1);
  const asked = performance.now();
  const sent = await container.get(SubmitOperatorInput).execute({ pod: PodName.unsafe(lastPod), text: MessageBody.unsafe('still there?') });
  if (!sent.ok) throw new Error(`no Pod ${lastPod}`);
  await pollUntil(60_000, `the turn of ${lastPod}`, 20, async () => (lastHost?.output().includes(`\`${lastPod}\` turn finished`) ? true : undefined));
  console.log(`a turn of \`${lastPod}\` on the last host (input seq ${sent.value.entry.seq}): answered in ${((performance.now() - asked) / 1000).toFixed(2)} s, ${model.turns().length} model request(s); load ${load()}`);

  // The server filled to its limit beside the hosts: what a new command prints then.
  const filler: pg.Client[] = [];
  defer('the connections that fill the server', async () => {
    await Promise.all(filler.map((client) => client.end().catch(() => undefined)));
  });
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    const refused = await client.connect().then(() => undefined, (error: unknown) => (error as { code?: string }).code ?? 'refused');
    if (refused !== undefined) {
      await client.end().catch(() => undefined);
      break;
    }
    filler.push(client);
  }
  const full = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
    execFile(process.execPath, [ENTRY, 'ls'], { env: { ...process.env, ...env } }, (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr })),
  );
  console.log(`full (${filler.length} more connections): \`pods ls\` exits ${full.code}: ${full.stderr.trim()}`);
  console.log(`machine: load average ${load()} at the end`);
}

// Stopped early (Ctrl+C, `kill`): the hosts (each in a process group of its own) and the server still go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void runCleanups().finally(() => process.exit(130)));
}

try {
  await main();
} finally {
  const clean = await runCleanups();
  if (!clean) process.exitCode = 1;
}
