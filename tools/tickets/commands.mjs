// list, show, create, comment, review, status and close. Every mutation validates its
// input before it takes the lock, and the item before its first write.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { entryType } from './checks.mjs';
import {
  BUCKETS,
  DEFAULT_ITEM_BODY,
  KINDS,
  LIMITS,
  PRIORITIES,
  ROLE_HEADINGS,
  SLUG_RE,
  idTime,
  labelProblem,
  makeId,
  renderEvent,
  renderItem,
  roleProblem,
  slugify,
  textProblem,
  withField,
} from './format.mjs';
import {
  TicketsError,
  appendOnce,
  commitItemDir,
  display,
  ensureBuckets,
  fieldOf,
  lookup,
  now,
  nowMs,
  requireWellFormed,
  resolveRoot,
  scanItems,
  sleep,
  usageError,
  withLock,
} from './store.mjs';

const out = (text) => process.stdout.write(text);
const note = (text) => process.stderr.write(`note: ${text}\n`);

// ---------------------------------------------------------------- input

/** A one-line option value: trimmed, then refused if it would not be safe to store. */
function oneLine(value, option, max) {
  const text = value.trim();
  const problem = textProblem(text, max);
  if (problem) throw usageError(`${option} ${problem}`);
  return text;
}

function readStdin() {
  const chunks = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') {
        sleep(5);
        continue;
      }
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

function readSource(file) {
  if (file === '-') return readStdin();
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if (e.code === 'ENOENT') throw new TicketsError(`file not found: ${file}`);
    if (e.code === 'EISDIR') throw new TicketsError(`not a file: ${file}`);
    throw new TicketsError(`cannot read ${file}: ${e.message}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of `textOption` or of `--file PATH` (`--file -` reads stdin; stdin is never read
 * otherwise). CRLF becomes LF; empty text, NUL and control characters other than tab are refused.
 */
function readBody(opts, textOption, what, required = true) {
  const text = opts[textOption];
  const file = opts['--file'];
  if (text !== undefined && file !== undefined) throw usageError(`give either ${textOption} or --file, not both`);
  if (text === undefined && file === undefined) {
    if (required) throw usageError(`${what} needs ${textOption} TEXT or --file PATH (--file - reads stdin)`);
    return null;
  }
  const source = text !== undefined ? textOption : file === '-' ? 'stdin' : file;
  let body = text;
  if (body === undefined) {
    try {
      body = utf8.decode(readSource(file)).replace(/^\ufeff/, '');
    } catch (e) {
      if (e instanceof TicketsError) throw e;
      throw new TicketsError(`${source} is not valid UTF-8`);
    }
  }
  body = body.replace(/\r\n?/g, '\n');
  const code = text !== undefined ? 2 : 1;
  if (body.trim() === '') throw new TicketsError(`${what} is empty (${source})`, code);
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(body)) throw new TicketsError(`${source} contains a control character other than tab and newline`, code);
  if (Buffer.byteLength(body) > LIMITS.body) throw new TicketsError(`${source} is larger than ${LIMITS.body} bytes`, code);
  return body;
}

function gitUserName() {
  const r = spawnSync('git', ['config', 'user.name'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** `--author`, else TICKETS_AUTHOR, else git config user.name, else USER, else `unknown`. */
function resolveAuthor(opts) {
  if (opts['--author'] !== undefined) return oneLine(opts['--author'], '--author', LIMITS.author);
  const sources = [
    ['TICKETS_AUTHOR', () => process.env.TICKETS_AUTHOR ?? ''],
    ['git config user.name', gitUserName],
    ['USER', () => process.env.USER ?? ''],
  ];
  for (const [source, read] of sources) {
    const author = read().trim();
    if (author === '') continue;
    const problem = textProblem(author, LIMITS.author);
    if (problem) throw new TicketsError(`the author from ${source} ${problem}; pass --author NAME`);
    return author;
  }
  return 'unknown';
}

function requireRoot(query) {
  const root = resolveRoot();
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new TicketsError(`work item not found: ${query} (there is no ${display(root)})`);
  return root;
}

/** Looks an item up under the lock and refuses a malformed one before `fn` writes anything. */
function withItem(query, fn) {
  const root = requireRoot(query);
  return withLock(root, () => {
    const item = lookup(scanItems(root), query);
    requireWellFormed(item);
    return fn(item, root);
  });
}

// ---------------------------------------------------------------- reading

function updatedAt(item) {
  return item.events?.at(-1)?.at ?? fieldOf(item, 'created_at') ?? null;
}

function itemJson(item) {
  const field = (key) => fieldOf(item, key) ?? null;
  return {
    id: field('id'),
    slug: field('slug'),
    title: field('title'),
    status: field('status'),
    kind: field('kind'),
    priority: field('priority'),
    labels: field('labels'),
    assignee: field('assignee'),
    created_at: field('created_at'),
    updated_at: updatedAt(item),
    path: item.rel,
  };
}

const TSV_ESCAPES = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const tsv = (value) => String(value ?? '').replace(/[\\\t\n\r]/g, (c) => TSV_ESCAPES[c] ?? c);
const LIST_COLUMNS = ['status', 'id', 'slug', 'title', 'kind', 'priority', 'updated_at'];

export function list(opts) {
  const wanted = opts['--status'] ?? 'open';
  if (wanted !== 'all' && !BUCKETS.includes(wanted)) throw usageError(`invalid status: ${wanted} (use open, pending, closed or all)`);
  const root = resolveRoot();
  const items = scanItems(root).filter((item) => wanted === 'all' || item.bucket === wanted);
  items.sort((a, b) => BUCKETS.indexOf(a.bucket) - BUCKETS.indexOf(b.bucket) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const readable = items.filter((item) => item.values !== null);
  for (const item of items) if (item.values === null) process.stderr.write(`warning: skipped ${item.rel}: its item.md cannot be read (see tickets.sh doctor)\n`);
  if (opts['--json']) out(`${JSON.stringify(readable.map(itemJson), null, 2)}\n`);
  else out([LIST_COLUMNS, ...readable.map((item) => LIST_COLUMNS.map((c) => itemJson(item)[c]))].map((row) => `${row.map(tsv).join('\t')}\n`).join(''));
  return readable.length === items.length ? 0 : 1;
}

function artifactNames(dir) {
  const base = path.join(dir, 'artifacts');
  if (entryType(base) !== 'dir') return [];
  return fs
    .readdirSync(base, { recursive: true })
    .map(String)
    .filter((name) => path.basename(name) !== '.gitkeep' && entryType(path.join(base, name)) !== 'dir')
    .sort();
}

const SHOW_TAIL = 80;

export function show(opts, [query]) {
  const root = resolveRoot();
  const item = lookup(scanItems(root), query);
  const artifacts = artifactNames(item.dir);
  if (opts['--json']) {
    const events = item.events?.map((ev) => ({
      event: ev.event,
      author: ev.author,
      at: ev.at,
      attrs: Object.fromEntries(ev.pairs.slice(3)),
      heading: ev.heading,
      body: ev.body,
    }));
    const findings = item.findings.map((f) => ({ code: f.code, path: f.path, message: f.message }));
    out(`${JSON.stringify({ ...itemJson(item), body: item.body, events: events ?? null, resolution: item.resolution, artifacts, findings }, null, 2)}\n`);
    return 0;
  }
  const read = (name) => (entryType(path.join(item.dir, name)) === 'file' ? fs.readFileSync(path.join(item.dir, name), 'utf8') : null);
  const withNewline = (text) => (text.endsWith('\n') ? text : `${text}\n`);
  const parts = [
    `# ${fieldOf(item, 'title') ?? '(item.md cannot be read)'}\n\n`,
    `Path: ${display(item.dir)}\nStatus: ${fieldOf(item, 'status') ?? item.bucket}\nID: ${item.name}\nSlug: ${fieldOf(item, 'slug') ?? '-'}\n\n`,
    `## item.md\n\n${withNewline(read('item.md') ?? '(missing item.md)')}\n## thread.md\n\n`,
  ];
  const thread = read('thread.md');
  if (thread === null) parts.push('(missing thread.md)\n');
  else {
    const lines = withNewline(thread).slice(0, -1).split('\n');
    const hidden = opts['--all'] ? 0 : Math.max(0, lines.length - SHOW_TAIL);
    if (hidden > 0) parts.push(`(${hidden} earlier lines not shown; use --all for the whole thread)\n`);
    parts.push(`${lines.slice(hidden).join('\n')}\n`);
  }
  if (item.resolution !== null) parts.push(`\n## resolution.md\n\n${withNewline(item.resolution)}`);
  if (artifacts.length > 0) parts.push(`\n## artifacts\n\n${artifacts.map((a) => `- artifacts/${a}\n`).join('')}`);
  out(parts.join(''));
  return 0;
}

// ---------------------------------------------------------------- mutations

function uniqueSlug(base, taken) {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, LIMITS.slug - suffix.length).replace(/-$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function create(opts) {
  if (opts['--title'] === undefined) throw usageError('create requires --title');
  const title = oneLine(opts['--title'], '--title', LIMITS.title);
  const kind = opts['--kind'] ?? 'task';
  if (!KINDS.includes(kind)) throw usageError(`invalid kind: ${kind} (use ${KINDS.join(', ')})`);
  const priority = opts['--priority'] ?? 'P2';
  if (!PRIORITIES.includes(priority)) throw usageError(`invalid priority: ${priority} (use ${PRIORITIES.join(', ')})`);
  const labels = [...new Set((opts['--label'] ?? []).flatMap((v) => v.split(',')).map((l) => l.trim()).filter((l) => l !== ''))];
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) throw usageError(problem);
  }
  const explicitSlug = opts['--slug'];
  if (explicitSlug !== undefined && (!SLUG_RE.test(explicitSlug) || explicitSlug.length > LIMITS.slug)) {
    throw usageError(`invalid slug: ${explicitSlug} (use lowercase a-z, 0-9 and single '-', at most ${LIMITS.slug} characters, e.g. ${slugify(explicitSlug)})`);
  }
  const message = readBody(opts, '--message', 'the item body', false);
  const body = message === null ? DEFAULT_ITEM_BODY : message.endsWith('\n') ? message : `${message}\n`;
  const author = resolveAuthor(opts);

  const root = resolveRoot();
  fs.mkdirSync(root, { recursive: true });
  return withLock(root, () => {
    ensureBuckets(root);
    const items = scanItems(root);
    const taken = new Map(items.map((item) => [fieldOf(item, 'slug'), item]));
    if (explicitSlug !== undefined && taken.has(explicitSlug)) {
      throw new TicketsError(`slug already in use: ${explicitSlug} (by ${taken.get(explicitSlug)?.rel})`);
    }
    const slug = explicitSlug ?? uniqueSlug(slugify(title), taken);
    const latest = Math.max(-1, ...items.map((item) => idTime(item.name) ?? -1));
    const id = makeId(Math.max(nowMs(), latest + 1), randomBytes(4));
    const at = now();
    const fields = { id, slug, title, status: 'open', kind, priority, labels, created_at: at, assignee: null };
    commitItemDir(path.join(root, 'open', id), (dir) => {
      fs.writeFileSync(path.join(dir, 'item.md'), renderItem(fields, body));
      fs.writeFileSync(path.join(dir, 'thread.md'), renderEvent({ event: 'create', author, at, heading: 'Created', body: 'Created by tickets.sh create.' }, true));
      fs.mkdirSync(path.join(dir, 'artifacts'));
      fs.writeFileSync(path.join(dir, 'artifacts', '.gitkeep'), '');
    });
    out(`${id}\n`);
    return 0;
  });
}

export function comment(opts, [query]) {
  const role = opts['--role'] ?? 'comment';
  const problem = roleProblem(role);
  if (problem) throw usageError(problem);
  const body = readBody(opts, '--message', 'the comment');
  const author = resolveAuthor(opts);
  return withItem(query, (item) => {
    appendOnce(path.join(item.dir, 'thread.md'), renderEvent({ event: role, author, at: now(), heading: ROLE_HEADINGS[role] ?? role, body }));
    return 0;
  });
}

export function review(opts, [query]) {
  if (Boolean(opts['--approve']) === Boolean(opts['--request-changes'])) throw usageError('review requires exactly one of --approve and --request-changes');
  const result = opts['--approve'] ? 'approve' : 'request_changes';
  const body = readBody(opts, '--message', 'the review');
  const author = resolveAuthor(opts);
  return withItem(query, (item) => {
    const heading = `Review: ${result.replace('_', ' ')}`;
    appendOnce(path.join(item.dir, 'thread.md'), renderEvent({ event: 'review', author, at: now(), attrs: [['status', result]], heading, body }));
    return 0;
  });
}

/**
 * Moves `item` to `target` through a staging copy: item.md gets the new status, thread.md
 * gets `events` in one append, and `edit` may change other files; the rename commits it.
 */
function moveItem(root, item, target, events, edit) {
  commitItemDir(
    path.join(root, target, item.name),
    (dir) => {
      const itemFile = path.join(dir, 'item.md');
      fs.writeFileSync(itemFile, withField(fs.readFileSync(itemFile, 'utf8'), 'status', target));
      edit(dir);
      appendOnce(path.join(dir, 'thread.md'), events.map((ev) => renderEvent(ev)).join(''));
    },
    item.dir,
  );
}

function stateChanged(from, to, reason, author, at) {
  return { event: 'state_changed', author, at, attrs: [['from', from], ['to', to], ['reason', reason]], heading: `State changed: ${from} -> ${to}`, body: reason };
}

export function status(opts, [query, target]) {
  if (target === 'closed') throw usageError(`status does not close items: use 'tickets.sh close ${query} --resolution TEXT'`);
  if (!BUCKETS.includes(target)) throw usageError(`invalid status: ${target} (use open or pending)`);
  const reason = opts['--reason'] === undefined ? 'status' : oneLine(opts['--reason'], '--reason', LIMITS.reason);
  const author = resolveAuthor(opts);
  return withItem(query, (item, root) => {
    if (item.bucket === target) {
      note(`${item.name} is already ${target}; nothing changed`);
      return 0;
    }
    const at = now();
    const events = [];
    if (item.bucket === 'closed') events.push({ event: 'resolution_archived', author, at, heading: 'Resolution archived', body: item.resolution ?? '' });
    events.push(stateChanged(item.bucket, target, reason, author, at));
    moveItem(root, item, target, events, (dir) => fs.rmSync(path.join(dir, 'resolution.md'), { force: true }));
    return 0;
  });
}

export function close(opts, [query]) {
  const text = readBody(opts, '--resolution', 'the resolution');
  const resolution = text.endsWith('\n') ? text : `${text}\n`;
  const author = resolveAuthor(opts);
  return withItem(query, (item, root) => {
    if (item.bucket === 'closed') {
      if (item.resolution === resolution) {
        note(`${item.name} is already closed with this resolution; nothing changed`);
        return 0;
      }
      throw new TicketsError(`${item.name} is already closed with another resolution; reopen it first ('tickets.sh status ${item.name} open')`);
    }
    const at = now();
    const events = [
      stateChanged(item.bucket, 'closed', 'close', author, at),
      { event: 'close', author, at, attrs: [['status', 'closed']], heading: 'Closed', body: resolution },
    ];
    moveItem(root, item, 'closed', events, (dir) => fs.writeFileSync(path.join(dir, 'resolution.md'), resolution));
    return 0;
  });
}
