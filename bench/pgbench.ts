import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { BenchTimeout } from './deadline.js';

/**
 * pgbench's ceiling for the delivery scenarios: the same server, as many clients as senders,
 * one single-row INSERT (a 200-byte text, like a message body) per transaction, prepared
 * statements (`-M prepared`, as pods names its statements), for a fixed time. Alternated with
 * the delivery runs (bench/fair-comparison.ts).
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
  /** Runs `pgbench` for `seconds` (`-T`), `clients` at once, each transaction one single-row INSERT, or the script `script` (from `addScript`). */
  readonly runFor: (clients: number, seconds: number, script?: string) => Promise<PgbenchRun>;
  /** Writes a script of one transaction beside the INSERT's, for `runFor`; its path. */
  readonly addScript: (name: string, text: string) => Promise<string>;
  /** Removes its table and script. */
  readonly dispose: () => Promise<void>;
};

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
    addScript: async (name, text) => {
      const path = join(dir, `${name.replace(/[^a-z0-9-]/gi, '_')}.sql`);
      await writeFile(path, text);
      return path;
    },
    runFor: async (clients, seconds, file = script) => {
      const threads = Math.min(clients, 2);
      const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(threads), '-T', String(seconds), '-f', file, libpqUri(url)];
      const output = await runBounded(binary, args, seconds * 1_000 + 60_000);
      const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(output)?.[1];
      const processed = /number of transactions actually processed: (\d+)/.exec(output)?.[1];
      const failed = /number of failed transactions: (\d+)/.exec(output)?.[1];
      if (tps === undefined || processed === undefined) throw new Error(`pgbench printed no tps:\n${output.trim()}`);
      if (failed !== undefined && failed !== '0') throw new Error(`pgbench had ${failed} failed transactions:\n${output.trim()}`);
      const transactions = Number(processed);
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
