// What makes one work item well formed. `doctor` reports these findings; every
// mutating command refuses an item that has an error among them.
import fs from 'node:fs';
import path from 'node:path';
import {
  BUCKETS,
  ID_RE,
  LIMITS,
  REVIEW_RESULTS,
  ROLE_RE,
  isTimestamp,
  parseFrontMatter,
  parseThread,
  textProblem,
} from './format.mjs';

/** Doctor codes. Codes and names are stable: scripts may match on them. */
export const CODES = Object.freeze({
  T001: { name: 'missing-bucket', severity: 'error', fixable: true, summary: 'a bucket directory (open, pending, closed) is missing' },
  T002: { name: 'missing-item', severity: 'error', fixable: false, summary: 'an item directory has no item.md file' },
  T003: { name: 'missing-thread', severity: 'error', fixable: true, summary: 'an item has no thread.md file' },
  T004: { name: 'missing-artifacts', severity: 'error', fixable: true, summary: 'an item has no artifacts/ directory' },
  T005: { name: 'frontmatter-opener', severity: 'error', fixable: false, summary: "item.md does not start with a '---' line" },
  T006: { name: 'frontmatter-closer', severity: 'error', fixable: false, summary: "the front matter has no closing '---' line" },
  T007: { name: 'missing-field', severity: 'error', fixable: false, summary: 'a required front-matter key is missing or empty' },
  T008: { name: 'id-mismatch', severity: 'error', fixable: false, summary: 'the front-matter id differs from the directory name' },
  T009: { name: 'status-mismatch', severity: 'error', fixable: false, summary: 'the front-matter status differs from the bucket' },
  T010: { name: 'duplicate-id', severity: 'error', fixable: false, summary: 'two items have the same id' },
  T011: { name: 'duplicate-slug', severity: 'error', fixable: false, summary: 'two items have the same slug' },
  T012: { name: 'invalid-id', severity: 'error', fixable: false, summary: 'an item directory name is not a work item id' },
  T013: { name: 'frontmatter-syntax', severity: 'error', fixable: false, summary: "a front-matter line is not 'key: value' with a quoted string, null or a list of quoted strings" },
  T014: { name: 'invalid-field', severity: 'error', fixable: false, summary: 'a front-matter value breaks its rule (format, allowed values, length, characters)' },
  T015: { name: 'unknown-field', severity: 'error', fixable: false, summary: 'an unknown front-matter key' },
  T016: { name: 'duplicate-field', severity: 'error', fixable: false, summary: 'a front-matter key appears twice' },
  T017: { name: 'missing-resolution', severity: 'error', fixable: false, summary: 'a closed item has no resolution.md, or an empty one' },
  T018: { name: 'unexpected-resolution', severity: 'error', fixable: false, summary: 'an open or pending item has a resolution.md' },
  T019: { name: 'thread-syntax', severity: 'error', fixable: false, summary: 'thread.md does not follow the event grammar' },
  T020: { name: 'thread-create', severity: 'error', fixable: false, summary: 'the first event is not create, or a later event is' },
  T021: { name: 'event-attributes', severity: 'error', fixable: false, summary: 'an event has a missing, invalid, repeated or unknown attribute' },
  T022: { name: 'review-status', severity: 'error', fixable: false, summary: 'a review event has no status approve or request_changes' },
  T023: { name: 'state-event', severity: 'error', fixable: false, summary: 'a state_changed or close event has an invalid from, to, reason or status' },
  T024: { name: 'state-history', severity: 'error', fixable: false, summary: "the thread's state changes do not lead to the item's status" },
  T025: { name: 'time-order', severity: 'warning', fixable: false, summary: 'an event is dated before created_at or before the event above it' },
  T026: { name: 'crlf', severity: 'warning', fixable: true, summary: 'a file has CRLF line endings' },
  T027: { name: 'encoding', severity: 'error', fixable: false, summary: 'a file is not UTF-8, or has a byte order mark or a NUL byte' },
  T028: { name: 'stray-entry', severity: 'warning', fixable: false, summary: 'an unexpected file, directory or symlink' },
  T029: { name: 'hidden-entry', severity: 'warning', fixable: false, summary: 'an unexpected hidden entry, such as a leftover staging directory' },
  T030: { name: 'stale-lock', severity: 'warning', fixable: true, summary: 'the lock is held by a process that is gone, or for too long' },
  T031: { name: 'empty-dir', severity: 'warning', fixable: true, summary: 'a bucket or artifacts/ is empty, so git will not keep it' },
});

/** Attributes an event may carry after `event`, `author` and `at`. */
const EVENT_ATTRS = Object.freeze({ review: ['status'], close: ['status'], state_changed: ['from', 'to', 'reason'] });
const ITEM_ENTRIES = Object.freeze({ 'item.md': 'file', 'thread.md': 'file', 'resolution.md': 'file', artifacts: 'dir' });

/** Type of a path without following symlinks: 'file', 'dir', 'symlink', 'other' or null when absent. */
export function entryType(file) {
  let st;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
    throw e;
  }
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a text file the tool owns. Reports T027 / T026 through `add`; returns the text
 * (without a BOM), or null when it cannot be decoded.
 */
export function readOwnedText(file, rel, add) {
  const bytes = fs.readFileSync(file);
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    add('T027', rel, 'is not valid UTF-8');
    return null;
  }
  if (text.startsWith('\ufeff')) {
    add('T027', rel, 'starts with a byte order mark');
    text = text.slice(1);
  }
  if (text.includes('\0')) add('T027', rel, 'contains a NUL byte');
  if (text.includes('\r\n')) add('T026', rel, 'has CRLF line endings');
  return text;
}

/**
 * Inspects `<root>/<bucket>/<name>`. Returns its findings ({ code, path, message }) and
 * what could be read: the front-matter values, the events and the resolution text.
 */
export function inspectItem(root, bucket, name) {
  const rel = `${bucket}/${name}`;
  const dir = path.join(root, bucket, name);
  const findings = [];
  const add = (code, where, message) => findings.push({ code, path: where, message });
  const item = { bucket, name, rel, dir, findings, values: null, body: null, events: null, resolution: null };

  if (!ID_RE.test(name)) add('T012', rel, 'the directory name is not an id like 00001KXTB7H5N-7K2M (13 + 4 Crockford base32 characters)');
  for (const entry of fs.readdirSync(dir).sort()) {
    if (entry === '.gitkeep') continue;
    if (entry.startsWith('.')) add('T029', `${rel}/${entry}`, 'unexpected hidden entry in an item directory');
    else if (!(entry in ITEM_ENTRIES)) add('T028', `${rel}/${entry}`, 'unexpected entry in an item directory (allowed: item.md, thread.md, resolution.md, artifacts/)');
  }

  if (entryType(path.join(dir, 'item.md')) !== 'file') {
    add('T002', rel, 'item.md is missing (or is not a regular file)');
    return item;
  }
  const itemText = readOwnedText(path.join(dir, 'item.md'), `${rel}/item.md`, add);
  let createdAt = null;
  let status = null;
  if (itemText !== null) {
    const fm = parseFrontMatter(itemText);
    for (const [code, message] of fm.problems) add(code, `${rel}/item.md`, message);
    if (fm.body !== null) {
      item.values = fm.values;
      item.body = fm.body;
      const id = fm.values.get('id');
      if (typeof id === 'string' && id !== name) add('T008', rel, `the directory is named ${name} but item.md has id ${id}`);
      status = fm.values.get('status');
      if (typeof status === 'string' && status !== bucket) add('T009', `${rel}/item.md`, `status is '${status}' but the item is under '${bucket}'`);
      const created = fm.values.get('created_at');
      if (typeof created === 'string' && isTimestamp(created)) createdAt = created;
    }
  }

  const threadFile = path.join(dir, 'thread.md');
  if (entryType(threadFile) !== 'file') {
    add('T003', rel, 'thread.md is missing (or is not a regular file)');
  } else {
    const threadText = readOwnedText(threadFile, `${rel}/thread.md`, add);
    if (threadText !== null) {
      const thread = parseThread(threadText);
      if (thread.error) add('T019', `${rel}/thread.md:${thread.error.line}`, thread.error.message);
      else {
        item.events = thread.events.map(eventRecord);
        checkEvents(item.events, { createdAt, status: typeof status === 'string' ? status : null, add: (code, line, msg) => add(code, `${rel}/thread.md:${line}`, msg) });
      }
    }
  }

  const resolutionFile = path.join(dir, 'resolution.md');
  const resolutionType = entryType(resolutionFile);
  if (resolutionType === 'file') item.resolution = readOwnedText(resolutionFile, `${rel}/resolution.md`, add);
  if (bucket === 'closed' && (item.resolution === null || item.resolution.trim() === '')) {
    add('T017', rel, resolutionType === 'file' ? 'resolution.md is empty' : 'a closed item must have a resolution.md');
  }
  if (bucket !== 'closed' && resolutionType !== null) add('T018', `${rel}/resolution.md`, `an item under '${bucket}' must not have a resolution.md (reopening archives it into the thread)`);

  const artifactsType = entryType(path.join(dir, 'artifacts'));
  if (artifactsType === null) add('T004', rel, 'artifacts/ is missing');
  else if (artifactsType !== 'dir') add('T004', `${rel}/artifacts`, 'artifacts is not a directory');
  else if (fs.readdirSync(path.join(dir, 'artifacts')).length === 0) add('T031', `${rel}/artifacts`, EMPTY_DIR);
  return item;
}

/** A parsed event as the tool and `show --json` use it. Attribute order is kept in `pairs`. */
function eventRecord({ line, pairs, heading, body }) {
  const attrs = Object.fromEntries(pairs);
  return { line, pairs, event: attrs.event ?? null, author: attrs.author ?? null, at: attrs.at ?? null, attrs, heading, body };
}

function checkEvents(events, { createdAt, status, add }) {
  let state = null;
  let previous = createdAt;
  events.forEach((ev, i) => {
    const keys = ev.pairs.map(([k]) => k);
    const name = ev.event;
    if (keys.length !== new Set(keys).size) add('T021', ev.line, 'an attribute appears twice');
    if (keys[0] !== 'event' || keys[1] !== 'author' || keys[2] !== 'at') add('T021', ev.line, 'attributes must start with event, author, at');
    if (typeof name !== 'string' || !ROLE_RE.test(name)) add('T021', ev.line, `invalid event name '${name ?? ''}'`);
    const authorProblem = typeof ev.author === 'string' ? textProblem(ev.author, LIMITS.author) : 'is missing';
    if (authorProblem) add('T021', ev.line, `author ${authorProblem}`);
    if (typeof ev.at !== 'string' || !isTimestamp(ev.at)) add('T021', ev.line, 'at must be a UTC timestamp YYYY-MM-DDTHH:MM:SSZ');
    const allowed = EVENT_ATTRS[name] ?? [];
    for (const key of keys.slice(3)) if (!allowed.includes(key)) add('T021', ev.line, `unknown attribute '${key}' on a ${name} event`);

    if (i === 0 && name !== 'create') add('T020', ev.line, `the first event is '${name}', not 'create'`);
    if (i > 0 && name === 'create') add('T020', ev.line, 'a create event after the first event');
    if (name === 'create') state = 'open';
    if (name === 'review' && !REVIEW_RESULTS.includes(ev.attrs.status)) add('T022', ev.line, `review status must be ${REVIEW_RESULTS.join(' or ')}`);
    if (name === 'close') {
      if (ev.attrs.status !== 'closed') add('T023', ev.line, 'a close event must have status: closed');
      if (state !== null && state !== 'closed') add('T024', ev.line, `a close event while the item is ${state}`);
    }
    if (name === 'state_changed') {
      const { from, to, reason } = ev.attrs;
      if (!BUCKETS.includes(from) || !BUCKETS.includes(to) || from === to) add('T023', ev.line, `state_changed needs from and to, two different states of ${BUCKETS.join(', ')}`);
      const reasonProblem = typeof reason === 'string' ? textProblem(reason, LIMITS.reason) : 'is missing';
      if (reasonProblem) add('T023', ev.line, `state_changed reason ${reasonProblem}`);
      if (state !== null && from !== state) add('T024', ev.line, `state_changed from '${from}' but the item was ${state}`);
      if (state !== null) state = to;
    }
    if (typeof ev.at === 'string' && isTimestamp(ev.at)) {
      if (previous !== null && ev.at < previous) add('T025', ev.line, `${ev.at} is before ${i === 0 ? 'created_at' : 'the event above'} (${previous})`);
      previous = ev.at;
    }
  });
  if (state !== null && status !== null && BUCKETS.includes(status) && state !== status) {
    add('T024', events.at(-1)?.line ?? 1, `the thread leaves the item ${state}, but its status is ${status}`);
  }
}

export const EMPTY_DIR = 'empty; add a .gitkeep so git keeps it';

export function isError(finding) {
  return CODES[finding.code]?.severity === 'error';
}
