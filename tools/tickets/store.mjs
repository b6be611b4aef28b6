// The work-item store on disk: root, scanning, lookup, the lock and the atomic writes.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODES, entryType, inspectItem, isError } from './checks.mjs';
import { BUCKETS, formatTimestamp, isTimestamp } from './format.mjs';

/** A refusal or failure the user should see as `error: <message>`. */
export class TicketsError extends Error {
  constructor(message, exitCode = 1, details = []) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
  }
}

export const usageError = (message) => new TicketsError(message, 2);

/** `$TICKETS_DIR` (relative to the CWD), else `work-items/` at the repository root that holds this tool. */
export function resolveRoot() {
  const override = process.env.TICKETS_DIR;
  if (override) return path.resolve(override);
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'work-items');
}

/** A path as shown to a person: relative to the CWD. */
export function display(file) {
  return path.relative(process.cwd(), file) || '.';
}

export function nowMs() {
  const fixed = process.env.TICKETS_NOW;
  if (!fixed) return Date.now();
  if (!isTimestamp(fixed)) throw new TicketsError(`TICKETS_NOW must be a UTC timestamp YYYY-MM-DDTHH:MM:SSZ, not '${fixed}'`);
  return Date.parse(fixed);
}

export const now = () => formatTimestamp(nowMs());

export const randomToken = (bytes = 6) => randomBytes(bytes).toString('hex');

export function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ---------------------------------------------------------------- scanning and lookup

/** Every item directory under the buckets (hidden entries and non-directories are not items), in id order. */
export function scanItems(root) {
  const found = [];
  for (const bucket of BUCKETS) {
    const dir = path.join(root, bucket);
    if (entryType(dir) !== 'dir') continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.startsWith('.') && entryType(path.join(dir, name)) === 'dir') found.push(inspectItem(root, bucket, name));
    }
  }
  return found;
}

export const fieldOf = (item, key) => item.values?.get(key);

/**
 * Finds one item by exact id (the directory name), else by exact slug, else by a prefix of
 * exactly one item's id or slug. Ambiguity at the first rule that matches anything is an
 * error that lists the candidates.
 */
export function lookup(items, query) {
  const rules = [
    (item) => item.name === query,
    (item) => fieldOf(item, 'slug') === query,
    (item) => item.name.startsWith(query) || (typeof fieldOf(item, 'slug') === 'string' && fieldOf(item, 'slug').startsWith(query)),
  ];
  for (const rule of rules) {
    const matches = query === '' ? [] : items.filter(rule);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      const lines = matches.map((m) => `  ${m.rel}\t${fieldOf(m, 'slug') ?? '-'}\t${fieldOf(m, 'title') ?? '-'}`);
      throw new TicketsError(`ambiguous work item: ${query} (matches ${matches.length} items)`, 1, lines);
    }
  }
  throw new TicketsError(`work item not found: ${query}`);
}

/** Refuses to change an item that doctor would report an error for. */
export function requireWellFormed(item) {
  const errors = item.findings.filter(isError);
  if (errors.length === 0) return;
  const lines = errors.map((f) => `  ${CODES[f.code]?.name ?? f.code} (${f.code}): ${f.path}: ${f.message}`);
  throw new TicketsError(`work item ${item.rel} is malformed; fix it first (see tickets.sh doctor)`, 1, lines);
}

// ---------------------------------------------------------------- lock

const LOCK = '.lock';

function envMs(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new TicketsError(`${name} must be a whole number of milliseconds, not '${raw}'`);
  return Number(raw);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * Who holds the lock at `dir` and whether it is stale: the holder ran on this host and its
 * pid is gone, or it has held the lock longer than the stale bound. Null when it is free.
 */
export function inspectLock(dir, staleMs = envMs('TICKETS_LOCK_STALE_MS', 30_000)) {
  let owner = null;
  try {
    owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner'), 'utf8'));
  } catch (e) {
    if (e.code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
  }
  let since;
  try {
    since = owner && typeof owner.at === 'string' ? Date.parse(owner.at) : fs.statSync(dir).mtimeMs;
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
  const age = Date.now() - since;
  const holder = owner ? `pid ${owner.pid} on ${owner.host} since ${owner.at}` : 'a holder that has not written its owner file';
  if (owner && owner.host === os.hostname() && !processAlive(owner.pid)) return { owner, holder, stale: `pid ${owner.pid} is not running` };
  // An owner file is written right after mkdir, so a lock without one for 2 s was left by a crash.
  if (age > (owner ? staleMs : Math.min(staleMs, 2000))) return { owner, holder, stale: `held for ${Math.round(age / 1000)} s` };
  return { owner, holder, stale: null };
}

/** Removes a stale lock. Breakers take `.lock.break` so two of them cannot remove a fresh lock. */
function breakStaleLock(root, seen) {
  const guard = path.join(root, `${LOCK}.break`);
  try {
    fs.mkdirSync(guard);
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    const st = fs.statSync(guard, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 5000) fs.rmSync(guard, { recursive: true, force: true });
    return false;
  }
  try {
    const dir = path.join(root, LOCK);
    const again = inspectLock(dir);
    if (!again?.stale || again.owner?.token !== seen.owner?.token) return false;
    const trash = path.join(root, `${LOCK}.stale-${randomToken()}`);
    fs.renameSync(dir, trash);
    fs.rmSync(trash, { recursive: true, force: true });
    process.stderr.write(`warning: removed a stale lock (${seen.holder}: ${seen.stale})\n`);
    return true;
  } finally {
    fs.rmSync(guard, { recursive: true, force: true });
  }
}

/**
 * Runs `fn` holding `<root>/.lock`, a directory made with mkdir (atomic) that holds the
 * holder's pid, host, time and a token. Waits up to TICKETS_LOCK_TIMEOUT_MS (10 s).
 */
export function withLock(root, fn) {
  const dir = path.join(root, LOCK);
  const timeout = envMs('TICKETS_LOCK_TIMEOUT_MS', 10_000);
  const token = randomToken(8);
  const start = Date.now();
  let delay = 5;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const held = inspectLock(dir);
    if (held?.stale && breakStaleLock(root, held)) continue;
    if (Date.now() - start >= timeout) {
      throw new TicketsError(
        `timed out after ${timeout} ms waiting for the lock ${display(dir)} (held by ${held?.holder ?? 'nobody'}); if no tickets.sh is running, remove that directory`,
      );
    }
    sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
  fs.writeFileSync(path.join(dir, 'owner'), `${JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString(), token })}\n`);
  try {
    return fn();
  } finally {
    let owner = null;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner'), 'utf8'));
    } catch {
      // a lock without a readable owner is not ours to remove
    }
    if (owner?.token === token) fs.rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`warning: the lock ${display(dir)} was taken from this process before it finished\n`);
  }
}

// ---------------------------------------------------------------- writes

/** Opens `file` with `flag`, writes `data` in one write call, fsyncs and closes it. */
function writeSynced(file, data, flag) {
  const buf = Buffer.from(data, 'utf8');
  const fd = fs.openSync(file, flag, 0o644);
  try {
    const written = fs.writeSync(fd, buf, 0, buf.length);
    if (written !== buf.length) throw new Error(`short write to ${file}: ${written} of ${buf.length} bytes`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `file` through a temp file in the same directory, fsync, then rename. */
export function writeFileAtomic(file, data) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomToken()}`);
  try {
    writeSynced(tmp, data, 'wx');
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Appends `data` with one write on an O_APPEND descriptor, then fsync. */
export function appendOnce(file, data) {
  writeSynced(file, data, 'a');
}

/** A fault-injection point for the conformance tests (TICKETS_TEST_FAULT=<point>). */
export function faultPoint(name) {
  if (process.env.TICKETS_TEST_FAULT === name) throw new Error(`injected fault at ${name}`);
}

/**
 * Builds an item directory in a hidden staging directory next to `target`, then renames it
 * into place: the rename is the commit. `from` (the item's current directory) is copied
 * into the staging directory first and removed after the commit. Any error before the
 * commit removes the staging directory and leaves every visible file as it was.
 */
export function commitItemDir(target, build, from = null) {
  if (fs.existsSync(target)) throw new TicketsError(`target already exists: ${display(target)}`);
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.staging-${randomToken()}`);
  try {
    if (from) fs.cpSync(from, staging, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    else fs.mkdirSync(staging);
    build(staging);
    faultPoint('before-commit');
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (from) {
    const trash = path.join(path.dirname(from), `.${path.basename(from)}.trash-${randomToken()}`);
    fs.renameSync(from, trash);
    fs.rmSync(trash, { recursive: true, force: true });
  }
}

/** Creates the root and any missing bucket (with a .gitkeep, so git keeps an empty bucket). */
export function ensureBuckets(root) {
  for (const bucket of BUCKETS) {
    const dir = path.join(root, bucket);
    if (entryType(dir) === null) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, '.gitkeep'), '');
    }
  }
}
