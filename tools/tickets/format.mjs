// Pure text formats of tickets.sh: ids, slugs, timestamps, field rules,
// item.md front matter and thread.md events. No file system access here.

export const BUCKETS = Object.freeze(['open', 'pending', 'closed']);
export const KINDS = Object.freeze(['task', 'feature', 'bug', 'audit', 'docs', 'chore']);
export const PRIORITIES = Object.freeze(['P0', 'P1', 'P2', 'P3']);
export const REVIEW_RESULTS = Object.freeze(['approve', 'request_changes']);

/** Roles `comment --role` knows by name, with their headings. Other roles must match ROLE_RE. */
export const ROLE_HEADINGS = Object.freeze({
  comment: 'Comment',
  plan: 'Plan',
  decision: 'Decision',
  implementation_report: 'Implementation report',
  question: 'Question',
});
/** Events only the tool itself writes; a comment role may not take these names. */
export const SYSTEM_EVENTS = Object.freeze(['create', 'review', 'state_changed', 'close', 'resolution_archived']);

export const LIMITS = Object.freeze({ title: 200, author: 100, reason: 1024, slug: 64, label: 40, body: 256 * 1024 });

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ID_RE = /^[0-9A-HJKMNP-TV-Z]{13}-[0-9A-HJKMNP-TV-Z]{4}$/;
export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ROLE_RE = /^[a-z][a-z0-9_]{0,31}$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// ---------------------------------------------------------------- ids

/** Fixed-width Crockford base32 of a non-negative integer (13 characters hold any ms timestamp). */
export function encodeBase32(value, width) {
  let n = BigInt(value);
  let out = '';
  for (let i = 0; i < width; i += 1) {
    out = CROCKFORD[Number(n % 32n)] + out;
    n /= 32n;
  }
  if (n !== 0n) throw new RangeError(`${value} does not fit in ${width} base32 characters`);
  return out;
}

export function decodeBase32(text) {
  let n = 0n;
  for (const ch of text) {
    const digit = CROCKFORD.indexOf(ch);
    if (digit < 0) throw new RangeError(`not a Crockford base32 digit: ${ch}`);
    n = n * 32n + BigInt(digit);
  }
  return n;
}

/** `<13 chars: ms since epoch>-<4 random chars>`; sorting ids as strings sorts them by time. */
export function makeId(ms, randomBytes) {
  const suffix = Array.from(randomBytes.subarray(0, 4), (b) => CROCKFORD[b % 32]).join('');
  return `${encodeBase32(ms, 13)}-${suffix}`;
}

export function idTime(id) {
  return ID_RE.test(id) ? Number(decodeBase32(id.slice(0, 13))) : null;
}

// ---------------------------------------------------------------- slugs, timestamps, text

/** ASCII slug of a title: accents dropped, runs of other characters become '-', `item` if nothing is left. */
export function slugify(text) {
  const ascii = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  let slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  if (slug.length > LIMITS.slug) {
    const cut = slug.lastIndexOf('-', LIMITS.slug);
    slug = cut > 0 ? slug.slice(0, cut) : slug.slice(0, LIMITS.slug);
  }
  return slug === '' ? 'item' : slug;
}

export function formatTimestamp(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isTimestamp(text) {
  return TIMESTAMP_RE.test(text) && !Number.isNaN(Date.parse(text)) && formatTimestamp(Date.parse(text)) === text;
}

/** Why `text` may not be stored as a one-line value (title, author, reason, assignee), or null. */
export function textProblem(text, max) {
  if (text.trim() === '') return 'is empty';
  if (text !== text.trim()) return 'has leading or trailing whitespace';
  if (CONTROL_RE.test(text)) return 'contains a control character (newline, tab, carriage return or similar)';
  if (text.includes('-->')) return "contains '-->'";
  if (LONE_SURROGATE_RE.test(text)) return 'is not well-formed Unicode';
  if ([...text].length > max) return `is longer than ${max} characters`;
  return null;
}

export function labelProblem(label) {
  if (!LABEL_RE.test(label)) return `label '${label}' must start with a letter or digit and use only letters, digits, '.', '_' and '-'`;
  if (label.length > LIMITS.label) return `label '${label}' is longer than ${LIMITS.label} characters`;
  return null;
}

export function roleProblem(role) {
  if (!ROLE_RE.test(role)) return `role '${role}' must match [a-z][a-z0-9_]* (at most 32 characters)`;
  if (SYSTEM_EVENTS.includes(role)) return `role '${role}' is reserved for events tickets.sh writes itself`;
  return null;
}

// ---------------------------------------------------------------- item.md

/** Field rules of item.md front matter, in the order `create` writes them. */
export const FIELDS = Object.freeze([
  { key: 'id', required: true, check: (v) => (typeof v === 'string' && ID_RE.test(v) ? null : 'is not a work item id') },
  {
    key: 'slug',
    required: true,
    check: (v) =>
      typeof v === 'string' && SLUG_RE.test(v) && v.length <= LIMITS.slug ? null : `must be lowercase a-z, 0-9 and single '-' (at most ${LIMITS.slug})`,
  },
  { key: 'title', required: true, check: (v) => (typeof v === 'string' ? textProblem(v, LIMITS.title) : 'must be a string') },
  { key: 'status', required: true, check: (v) => oneOf(v, BUCKETS) },
  { key: 'kind', required: true, check: (v) => oneOf(v, KINDS) },
  { key: 'priority', required: true, check: (v) => oneOf(v, PRIORITIES) },
  { key: 'labels', required: true, check: labelsProblem },
  { key: 'created_at', required: true, check: (v) => (typeof v === 'string' && isTimestamp(v) ? null : 'must be a UTC timestamp YYYY-MM-DDTHH:MM:SSZ') },
  { key: 'assignee', required: false, check: (v) => (v === null ? null : typeof v === 'string' ? textProblem(v, LIMITS.author) : 'must be null or a string') },
]);

function oneOf(value, allowed) {
  return typeof value === 'string' && allowed.includes(value) ? null : `must be one of ${allowed.join(', ')}`;
}

function labelsProblem(value) {
  if (!Array.isArray(value) || !value.every((l) => typeof l === 'string')) return 'must be a list of strings';
  for (const label of value) {
    const problem = labelProblem(label);
    if (problem) return problem;
  }
  return new Set(value).size === value.length ? null : 'has a label twice';
}

/** Strings are written as JSON strings (a subset of YAML double-quoted scalars), so nothing is ever written raw. */
export function renderValue(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  return JSON.stringify(value);
}

export function renderItem(fields, body) {
  const lines = ['---'];
  for (const { key } of FIELDS) if (key in fields) lines.push(`${key}: ${renderValue(fields[key])}`);
  lines.push('---', '');
  return `${lines.join('\n')}\n${body}`;
}

export const DEFAULT_ITEM_BODY = '## Background\n\nCreated by tickets.sh.\n\n## Acceptance criteria\n\n- TBD\n';

/** Lines of a file as the tool reads it: CRLF is accepted on read (and reported by doctor). */
export function textLines(text) {
  return text.replace(/\r\n/g, '\n').split('\n');
}

/**
 * Reads item.md front matter. Returns the parsed values, the body after the closer,
 * and problems as [code, message] pairs (codes are doctor codes, see checks.mjs).
 */
export function parseFrontMatter(text) {
  const lines = textLines(text);
  const values = new Map();
  const unreadable = new Set();
  const problems = [];
  if (lines[0] !== '---') return { values, body: null, problems: [['T005', "line 1 is not '---'"]] };
  const closer = lines.indexOf('---', 1);
  if (closer < 0) return { values, body: null, problems: [['T006', "no closing '---' line"]] };
  for (let i = 1; i < closer; i += 1) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/.exec(lines[i]);
    if (!m) {
      problems.push(['T013', `line ${i + 1} is not 'key: value'`]);
      continue;
    }
    const key = m[1];
    const raw = (m[2] ?? '').trim();
    if (values.has(key)) {
      problems.push(['T016', `key '${key}' appears twice (line ${i + 1})`]);
      continue;
    }
    if (!FIELDS.some((f) => f.key === key)) {
      problems.push(['T015', `unknown key '${key}' (line ${i + 1})`]);
      continue;
    }
    if (raw === '') {
      values.set(key, undefined);
      continue;
    }
    const value = parseValue(raw);
    if (value === undefined) {
      problems.push(['T013', `line ${i + 1}: the value of '${key}' is not a "quoted string", null or a list of "quoted strings"`]);
      unreadable.add(key);
      continue;
    }
    values.set(key, value);
  }
  for (const { key, required, check } of FIELDS) {
    const value = values.get(key);
    if (value === undefined) {
      if (required && !unreadable.has(key)) problems.push(['T007', `required key '${key}' is missing or empty`]);
      continue;
    }
    const problem = check(value);
    if (problem) problems.push(['T014', `'${key}' ${problem}`]);
  }
  return { values, body: lines.slice(closer + 1).join('\n').replace(/^\n/, ''), problems };
}

function parseValue(raw) {
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (value === null || typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}

/** item.md with one key set to a new value; every other line is kept (and LF line endings are written). */
export function withField(text, key, value) {
  const lines = textLines(text);
  const closer = lines.indexOf('---', 1);
  const at = lines.findIndex((line, i) => i > 0 && i < closer && line.startsWith(`${key}:`));
  if (lines[0] !== '---' || closer < 0 || at < 0) throw new Error(`item.md has no '${key}' key to update`);
  lines[at] = `${key}: ${renderValue(value)}`;
  return lines.join('\n');
}

// ---------------------------------------------------------------- thread.md

const BARE_VALUE_RE = /^[A-Za-z0-9._@+/=,:-]+$/;

/** An event attribute value: bare when it is a plain token, else double-quoted with \" and \\ escapes. */
export function quoteAttr(value) {
  return BARE_VALUE_RE.test(value) && !value.endsWith(':') ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Body lines that look like an event header get one more leading backslash, so a body cannot forge an event. */
export function escapeBody(body) {
  return body.replace(/^(\\*<!-- event:)/gm, '\\$1');
}

export function unescapeBody(body) {
  return body.replace(/^\\(\\*<!-- event:)/gm, '$1');
}

/**
 * One event as appended to thread.md. `first` is the create event, which opens the file
 * without a leading blank line; every later event starts with one.
 */
export function renderEvent({ event, author, at, attrs = [], heading, body }, first = false) {
  const pairs = [['event', event], ['author', author], ['at', at], ...attrs];
  const header = `<!-- ${pairs.map(([k, v]) => `${k}: ${quoteAttr(v)}`).join(' ')} -->`;
  return `${first ? '' : '\n'}${header}\n\n## ${heading}\n\n${escapeBody(body)}\n\n---\n`;
}

/** Splits an event header into [key, value] pairs, or returns { error }. */
export function parseHeader(line) {
  const m = /^<!-- (.*) -->$/.exec(line);
  if (!m) return { error: "event header does not end with ' -->'" };
  const inner = m[1];
  const pairs = [];
  const re = /([a-z_]+): ("(?:[^"\\]|\\["\\])*"|[^\s"\\]+)(?: (?=[a-z_])|$)/y;
  let pos = 0;
  while (pos < inner.length) {
    re.lastIndex = pos;
    const t = re.exec(inner);
    if (!t) return { error: `cannot read the event attributes from column ${pos + 6}` };
    const raw = t[2];
    pairs.push([t[1], raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(["\\])/g, '$1') : raw]);
    pos = re.lastIndex;
  }
  return { pairs };
}

/**
 * Splits thread.md into events. Grammar: every event is
 * `<header>\n\n## <heading>\n\n<body>\n\n---\n`, events are separated by one blank line.
 * Returns { events, error } where error is { line, message } for the first grammar error.
 */
export function parseThread(text) {
  const lines = textLines(text);
  const events = [];
  if (!text.endsWith('\n')) return { events, error: { line: lines.length, message: 'does not end with a newline' } };
  const starts = [];
  lines.forEach((line, i) => {
    if (line.startsWith('<!-- event:')) starts.push(i);
  });
  if (starts[0] !== 0) return { events, error: { line: 1, message: "does not start with an '<!-- event: … -->' header" } };
  for (let k = 0; k < starts.length; k += 1) {
    const start = starts[k] ?? 0;
    const seg = lines.slice(start, starts[k + 1] ?? lines.length);
    const fail = (offset, message) => ({ events, error: { line: start + offset + 1, message } });
    const header = parseHeader(seg[0] ?? '');
    if (header.error) return fail(0, header.error);
    if (seg.length < 8 || seg[1] !== '' || seg[3] !== '') return fail(1, 'an event header must be followed by a blank line, a "## heading" and a blank line');
    if (!/^## \S/.test(seg[2] ?? '')) return fail(2, "the line after an event header must be a '## ' heading");
    if (seg.at(-3) !== '' || seg.at(-2) !== '---' || seg.at(-1) !== '') return fail(seg.length - 2, "an event must end with a blank line and '---', followed by one blank line before the next event");
    events.push({
      line: start + 1,
      pairs: header.pairs,
      heading: (seg[2] ?? '').slice(3),
      body: unescapeBody(seg.slice(4, -3).join('\n')),
    });
  }
  return { events, error: null };
}
