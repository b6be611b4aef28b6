import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { BenchTimeout } from './deadline.js';
import { percentile } from './percentiles.js';

/**
 * pgbench's ceiling for the delivery scenarios: the same server, the same number of clients,
 * one single-row INSERT (a 200-byte text, like a message body) per transaction, prepared
 * statements (`-M prepared`, as pods names its statements). Run alternately with the delivery
 * scenarios, so each ratio compares two runs back to back on the same machine state.
 */

const executable = (path: string) => access(path, constants.X_OK).then(() => true, () => false);

/** `<parent>/<prefix><major>/bin/pgbench` for every major installed, e.g. Debian's `/usr/lib/postgresql/15`. */
async function versioned(parent: string, prefix: string): Promise<{ readonly major: number; readonly path: string }[]> {
  const found: { major: number; path: string }[] = [];
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    const major = entry.startsWith(prefix) ? Number(entry.slice(prefix.length)) : Number.NaN;
    const path = join(parent, entry, 'bin', 'pgbench');
    if (Number.isInteger(major) && (await executable(path))) found.push({ major, path });
  }
  return found;
}

/**
 * The pgbench binary, found as the server binaries are (a fixed search, a clear error):
 * `$PGBENCH`, else the first on `PATH`, else the newest Debian/Ubuntu
 * (`/usr/lib/postgresql/<major>/bin`) or RHEL (`/usr/pgsql-<major>/bin`) install, else
 * Homebrew's. The bundled server package has no pgbench; any version speaks to any current server.
 */
export async function locatePgbench(): Promise<string> {
  const given = process.env['PGBENCH'];
  if (given) {
    if (await executable(given)) return given;
    throw new Error(`PGBENCH=${given} is not an executable file`);
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    if (await executable(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  }
  const installed = [...(await versioned('/usr/lib/postgresql', '')), ...(await versioned('/usr', 'pgsql-'))].sort((x, y) => y.major - x.major);
  if (installed[0]) return installed[0].path;
  for (const path of ['/opt/homebrew/bin/pgbench', '/usr/local/bin/pgbench']) if (await executable(path)) return path;
  throw new Error(
    'pgbench not found (not in PGBENCH, PATH, /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or Homebrew): install the PostgreSQL client tools (e.g. `apt-get install postgresql-client`) or set PGBENCH=/path/to/pgbench',
  );
}

export type PgbenchRun = { readonly tps: number; readonly transactions: number; readonly seconds: number };

export type PgbenchTarget = {
  /** The server, as pods reaches it (the managed store's socket URL, or TCP). */
  readonly url: string;
  /** Runs `pgbench` and removes its table and script. */
  readonly run: (clients: number, perClient: number) => Promise<PgbenchRun>;
  readonly dispose: () => Promise<void>;
};

const RUN_MS = 60_000;
const BODY_BYTES = 200;

/**
 * A private schema on the server at `url` with one table, `insert_target` (an identity
 * primary key, the client's number, a text body), and a pgbench script that inserts one row.
 */
export async function pgbenchTarget(url: string, binary: string): Promise<PgbenchTarget> {
  const schema = `pgbench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const dir = await mkdtemp(join(tmpdir(), 'pods-pgbench-'));
  const script = join(dir, 'insert.sql');
  const dispose = async () => {
    try {
      await admin.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await admin.end().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    await admin.query(`create schema ${schema}`);
    await admin.query(`create table ${schema}.insert_target (id bigint generated always as identity primary key, client integer not null, body text not null)`);
    await writeFile(script, `insert into ${schema}.insert_target (client, body) values (:client_id, repeat('x', ${BODY_BYTES}));\n`);
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
  return {
    url,
    dispose,
    run: async (clients, perClient) => {
      const threads = Math.min(clients, 2);
      const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(threads), '-t', String(perClient), '-f', script, libpqUri(url)];
      const output = await runBounded(binary, args, RUN_MS);
      const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(output)?.[1];
      const processed = /number of transactions actually processed: (\d+)\/(\d+)/.exec(output);
      if (tps === undefined || !processed) throw new Error(`pgbench printed no tps:\n${output.trim()}`);
      if (processed[1] !== processed[2]) throw new Error(`pgbench processed ${processed[1]} of ${processed[2]} transactions:\n${output.trim()}`);
      const transactions = Number(processed[1]);
      const rate = Number(tps);
      return { tps: rate, transactions, seconds: transactions / rate };
    },
  };
}

/** pgbench takes a libpq URI; pods' URLs are already that (a socket directory in `?host=`). */
function libpqUri(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`not a PostgreSQL URL: ${parsed.protocol}`);
  return parsed.toString();
}

/** `binary args`, its stdout and stderr; killed, and a BenchTimeout, after `ms`; a non-zero exit throws. */
async function runBounded(binary: string, args: readonly string[], ms: number): Promise<string> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new BenchTimeout(`timed out after ${ms / 1000} s: pgbench ${args.join(' ')}`));
      }, ms);
    });
    if (code !== 0) throw new Error(`pgbench exited with ${code}:\n${output.trim()}`);
    return output;
  } finally {
    clearTimeout(timer);
  }
}

/** One delivery scenario next to the pgbench run just before it, on one server. */
export type AgainstPgbench = {
  readonly store: string;
  readonly round: number;
  readonly receivers: 'one' | 'own';
  readonly perSecond: number;
  readonly pgbenchTps: number;
  /** delivery msgs/s ÷ pgbench tps, the two runs back to back. */
  readonly ratio: number;
  /** Node CPU (user + system) of the delivering process per message. */
  readonly cpuMsPerMessage: number;
};

export type AgainstPgbenchSummary = {
  readonly store: string;
  readonly receivers: 'one' | 'own';
  /** Medians over the rounds. */
  readonly ratio: number;
  readonly perSecond: number;
  readonly pgbenchTps: number;
  readonly cpuMsPerMessage: number;
  readonly perRound: readonly number[];
};

/** Medians per store and scenario of the rounds' delivery/pgbench ratios. */
export function summarizeAgainstPgbench(rows: readonly AgainstPgbench[]): AgainstPgbenchSummary[] {
  const out: AgainstPgbenchSummary[] = [];
  for (const store of [...new Set(rows.map((r) => r.store))]) {
    for (const receivers of ['one', 'own'] as const) {
      const mine = rows.filter((r) => r.store === store && r.receivers === receivers).sort((x, y) => x.round - y.round);
      if (mine.length === 0) continue;
      const median = (pick: (r: AgainstPgbench) => number) => percentile(mine.map(pick), 50);
      out.push({
        store, receivers,
        ratio: median((r) => r.ratio), perSecond: median((r) => r.perSecond), pgbenchTps: median((r) => r.pgbenchTps),
        cpuMsPerMessage: median((r) => r.cpuMsPerMessage), perRound: mine.map((r) => r.ratio),
      });
    }
  }
  return out;
}

/** The issue-15 targets: → 1 Pod ≥ 50 % of pgbench, → 8 Pods ≥ 70 %, ≤ 0.3 ms Node CPU per message. */
export const TARGETS = { one: 0.5, own: 0.7, cpuMsPerMessage: 0.3 } as const;

export function describeSummary(s: AgainstPgbenchSummary, label: string): string {
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const target = TARGETS[s.receivers];
  return (
    `  median ${label} on ${s.store}: ${Math.round(s.perSecond)} msgs/s vs pgbench ${Math.round(s.pgbenchTps)} tps = ${pct(s.ratio)} ` +
    `(target ≥ ${pct(target)} ${s.ratio >= target ? '✓' : '✗'}; rounds ${s.perRound.map(pct).join(', ')}); ` +
    `Node CPU ${s.cpuMsPerMessage.toFixed(3)} ms/msg (target ≤ ${TARGETS.cpuMsPerMessage} ${s.cpuMsPerMessage <= TARGETS.cpuMsPerMessage ? '✓' : '✗'})`
  );
}
