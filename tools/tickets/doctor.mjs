// doctor: every finding with a stable code, errors and warnings, text or JSON, and --fix
// for the repairs that lose nothing.
import fs from 'node:fs';
import path from 'node:path';
import { CODES, EMPTY_DIR, entryType, isError } from './checks.mjs';
import { BUCKETS, isTimestamp, renderEvent, textLines } from './format.mjs';
import { display, ensureBuckets, fieldOf, inspectLock, resolveRoot, scanItems, withLock, writeFileAtomic } from './store.mjs';

/** Entries the root may hold besides the buckets. */
const ROOT_ENTRIES = new Set(['README.md', '.gitignore', '.gitattributes', '.lock']);

function rootFindings(root, add) {
  if (fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    for (const entry of fs.readdirSync(root).sort()) {
      if (BUCKETS.includes(entry) || ROOT_ENTRIES.has(entry)) continue;
      if (entry.startsWith('.')) add('T029', entry, 'unexpected hidden entry in the work-item root');
      else add('T028', entry, 'unexpected entry in the work-item root (allowed: open/, pending/, closed/, README.md, .gitignore, .gitattributes)');
    }
    const lock = inspectLock(path.join(root, '.lock'));
    if (lock?.stale) add('T030', '.lock', `stale lock held by ${lock.holder} (${lock.stale})`);
  }
  for (const bucket of BUCKETS) {
    const dir = path.join(root, bucket);
    const type = entryType(dir);
    if (type !== 'dir') {
      add('T001', bucket, type === null ? `missing directory: ${bucket}/` : `${bucket} is not a directory`);
      continue;
    }
    const entries = fs.readdirSync(dir).sort();
    if (entries.length === 0) add('T031', bucket, EMPTY_DIR);
    for (const entry of entries) {
      if (entry === '.gitkeep') continue;
      const kind = entryType(path.join(dir, entry));
      if (entry.startsWith('.')) add('T029', `${bucket}/${entry}`, 'unexpected hidden entry in a bucket (a leftover of an interrupted write?)');
      else if (kind !== 'dir') add('T028', `${bucket}/${entry}`, `a bucket may only hold item directories, not a ${kind}`);
    }
  }
}

function duplicateFindings(items, key, code, add) {
  const byValue = new Map();
  for (const item of items) {
    const value = key === 'id' ? (fieldOf(item, 'id') ?? item.name) : fieldOf(item, key);
    if (typeof value !== 'string') continue;
    byValue.set(value, [...(byValue.get(value) ?? []), item.rel]);
  }
  for (const [value, rels] of [...byValue].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (rels.length > 1) add(code, rels[0], `${key} ${value} is used by ${rels.join(', ')}`);
  }
}

/** All findings for the root, in a stable order: root and buckets, then items in id order, then duplicates. */
export function diagnose(root) {
  const findings = [];
  const add = (code, where, message) => findings.push({ code, path: where, message });
  rootFindings(root, add);
  const items = scanItems(root);
  for (const item of items) findings.push(...item.findings);
  duplicateFindings(items, 'id', 'T010', add);
  duplicateFindings(items, 'slug', 'T011', add);
  return { findings, items };
}

/** Applies the fixes that lose nothing; returns the findings it fixed. Runs under the lock. */
function applyFixes(root, findings, items) {
  const fixed = [];
  const itemAt = (where) => items.find((item) => where === item.rel || where.startsWith(`${item.rel}/`));
  for (const finding of findings) {
    const file = path.join(root, finding.path);
    const item = itemAt(finding.path);
    switch (finding.code) {
      case 'T001':
        if (entryType(file) !== null) continue;
        ensureBuckets(root);
        break;
      case 'T004':
      case 'T031': {
        // T004 names the item (artifacts/ missing) or artifacts itself (not a directory: not fixable).
        const dir = finding.code === 'T004' ? path.join(file, 'artifacts') : file;
        if (finding.code === 'T004' && entryType(dir) !== null) continue;
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, '.gitkeep'), '');
        break;
      }
      case 'T003': {
        const createdAt = item && fieldOf(item, 'created_at');
        const status = item && fieldOf(item, 'status');
        if (!item || typeof createdAt !== 'string' || !isTimestamp(createdAt) || item.bucket !== status) continue;
        const author = 'tickets.sh doctor';
        const events = [renderEvent({ event: 'create', author, at: createdAt, heading: 'Created', body: 'thread.md was missing; recreated by tickets.sh doctor --fix.' }, true)];
        if (status !== 'open') {
          const attrs = [['from', 'open'], ['to', status], ['reason', 'recreated by doctor --fix']];
          events.push(renderEvent({ event: 'state_changed', author, at: createdAt, attrs, heading: `State changed: open -> ${status}`, body: 'recreated by doctor --fix' }));
        }
        fs.writeFileSync(path.join(file, 'thread.md'), events.join(''), { flag: 'wx' });
        break;
      }
      case 'T026':
        writeFileAtomic(file, textLines(fs.readFileSync(file, 'utf8')).join('\n'));
        break;
      case 'T030':
        // withLock has already removed the stale lock before this runs.
        break;
      default:
        continue;
    }
    fixed.push(finding);
  }
  return fixed;
}

function decorate(finding) {
  const code = CODES[finding.code];
  return { code: finding.code, name: code?.name ?? 'unknown', severity: code?.severity ?? 'error', path: finding.path, message: finding.message };
}

export function doctor(opts) {
  const root = resolveRoot();
  let fixed = [];
  if (opts['--fix']) {
    const before = diagnose(root);
    const fixable = before.findings.filter((f) => CODES[f.code]?.fixable);
    if (fixable.length > 0) {
      fs.mkdirSync(root, { recursive: true });
      fixed = withLock(root, () => applyFixes(root, fixable, diagnose(root).items));
    }
  }
  const findings = diagnose(root).findings.map(decorate);
  const errors = findings.filter(isError).length;
  const warnings = findings.length - errors;
  const exitCode = errors > 0 || (opts['--strict'] && warnings > 0) ? 1 : 0;
  if (opts['--json']) {
    const report = { ok: exitCode === 0, root, errors, warnings, strict: Boolean(opts['--strict']), fixed: fixed.map(decorate), findings };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return exitCode;
  }
  const where = (rel) => display(path.join(root, rel.replace(/:\d+$/, ''))) + (/:\d+$/.exec(rel)?.[0] ?? '');
  const line = (f) => `${f.severity} ${f.code} ${f.name}: ${where(f.path)}: ${f.message}`;
  const lines = [...fixed.map(decorate).map((f) => `fixed ${f.code} ${f.name}: ${where(f.path)}`), ...findings.map(line)];
  const summary =
    findings.length === 0 ? 'ok' : exitCode === 0 ? `ok, ${warnings} warning(s)` : `${errors} error(s), ${warnings} warning(s)${errors === 0 ? ' (--strict)' : ''}`;
  process.stdout.write([...lines, summary].map((l) => `doctor: ${l}\n`).join(''));
  return exitCode;
}
