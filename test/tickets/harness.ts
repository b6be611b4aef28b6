// Drives the real tickets.sh in throwaway directories.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SCRIPT = path.join(REPO, 'tickets.sh');
/** The clock every sandbox run sees unless a test says otherwise. */
export const NOW = '2026-06-01T13:29:55Z';
export const ID_RE = /^[0-9A-HJKMNP-TV-Z]{13}-[0-9A-HJKMNP-TV-Z]{4}$/;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** Run the wrapper through this shell instead of its #! line. */
  shell?: string;
  script?: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Milliseconds encoded in the first 13 characters of an id (an independent decoder). */
export function idMillis(id: string): number {
  let n = 0;
  for (const ch of id.slice(0, 13)) n = n * 32 + CROCKFORD.indexOf(ch);
  return n;
}

/** A minimal environment: nothing from the developer's TICKETS_* or git identity leaks in. */
function baseEnv(root: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: path.dirname(root),
    LANG: 'C',
    TICKETS_DIR: root,
    TICKETS_AUTHOR: 'tester',
    TICKETS_NOW: NOW,
    GIT_CONFIG_NOSYSTEM: '1',
  };
}

function spawnArgs(args: string[], options: RunOptions): [string, string[]] {
  const script = options.script ?? SCRIPT;
  return options.shell ? [options.shell, [script, ...args]] : [script, args];
}

function mergeEnv(base: Record<string, string>, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export class Sandbox {
  readonly dir: string;
  readonly root: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickets-test-'));
    this.root = path.join(this.dir, 'work-items');
  }

  env(extra: Record<string, string | undefined> = {}): Record<string, string> {
    return mergeEnv(baseEnv(this.root), extra);
  }

  run(args: string[], options: RunOptions = {}): Run {
    const [cmd, argv] = spawnArgs(args, options);
    const r = spawnSync(cmd, argv, {
      cwd: options.cwd ?? this.dir,
      env: this.env(options.env),
      input: options.input ?? '',
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Asynchronous run; stdin stays open (and is never written) unless `input` is given. */
  start(args: string[], options: RunOptions = {}): Promise<Run> {
    const [cmd, argv] = spawnArgs(args, options);
    const child = spawn(cmd, argv, { cwd: options.cwd ?? this.dir, env: this.env(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (options.input !== undefined) child.stdin.end(options.input);
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        child.stdin.destroy();
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  /** Runs and requires exit 0; returns stdout. */
  ok(args: string[], options: RunOptions = {}): string {
    const r = this.run(args, options);
    if (r.code !== 0) throw new Error(`tickets.sh ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  create(title: string, ...extra: string[]): string {
    return this.ok(['create', '--title', title, ...extra]).trim();
  }

  /** The directory of an item, whichever bucket holds it. */
  itemDir(id: string): string {
    for (const bucket of ['open', 'pending', 'closed']) {
      const dir = path.join(this.root, bucket, id);
      if (fs.existsSync(dir)) return dir;
    }
    throw new Error(`no item ${id}`);
  }

  read(rel: string): string {
    return fs.readFileSync(path.join(this.root, rel), 'utf8');
  }

  write(rel: string, text: string | Buffer): void {
    fs.writeFileSync(path.join(this.root, rel), text);
  }

  /** Every path under the sandbox with the content of each file: a byte-exact picture. */
  tree(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const name of fs.readdirSync(dir).sort()) {
        const file = path.join(dir, name);
        const rel = path.relative(this.dir, file);
        if (fs.lstatSync(file).isDirectory()) {
          out[`${rel}/`] = '';
          walk(file);
        } else out[rel] = fs.readFileSync(file).toString('base64');
      }
    };
    walk(this.dir);
    return out;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The last event appended to a thread, as written. */
export function lastEvent(thread: string): string {
  const at = thread.lastIndexOf('\n<!-- event:');
  return at < 0 ? thread : thread.slice(at);
}
