import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * that a new command still gets in, and that a Pod on the last host still answers a turn.
 */
const ENTRY = fileURLToPath(new URL('../pods.mjs', import.meta.url));
const HOSTS = Number(process.env['HOSTS'] ?? '150');
const PODS_PER_HOST = Number(process.env['PODS_PER_HOST'] ?? '2');
const WAVE = Number(process.env['WAVE'] ?? '10');
const SETTLE_MS = Number(process.env['SETTLE_MS'] ?? '10000');

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
      return started.every(({ host, last }) => host.output().includes(`serving \`${last}\``)) ? true : undefined;
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
  console.log(`connections after ${SETTLE_MS / 1000} s settled: ${count.pods.map((c) => `${c.connections} by ${c.processes} \`pods ${c.command}\``).join(', ')}, ${count.others} by others (the bench's own); ` +
    `per host: ${perHost.map((r) => `${r.hosts} hosts hold ${r.n}`).join(', ')}; limit ${count.limit} (${count.reserved} for the superuser)`);

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
  console.log(`machine: load average ${load()} at the end`);
}

try {
  await main();
} finally {
  const clean = await runCleanups();
  if (!clean) process.exitCode = 1;
}
