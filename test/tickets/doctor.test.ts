import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NOW, Sandbox } from './harness.js';

interface Finding {
  code: string;
  name: string;
  severity: 'error' | 'warning';
  path: string;
  message: string;
}
interface Report {
  ok: boolean;
  root: string;
  errors: number;
  warnings: number;
  strict: boolean;
  fixed: Finding[];
  findings: Finding[];
}

/** A well-formed root: A open (with plan and review events), P pending, C closed. */
let template: Sandbox;
let A: string;
let P: string;
let C: string;
beforeAll(() => {
  template = new Sandbox();
  A = template.create('Alpha');
  template.ok(['comment', A, '--role', 'plan', '--message', 'Plan.']);
  template.ok(['review', A, '--approve', '--message', 'Fine.'], { env: { TICKETS_NOW: '2026-06-01T14:00:00Z' } });
  P = template.create('Parked');
  template.ok(['status', P, 'pending']);
  C = template.create('Closed');
  template.ok(['close', C, '--resolution', 'Done.']);
});
afterAll(() => template.cleanup());

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  fs.cpSync(template.root, sb.root, { recursive: true });
});
afterEach(() => sb.cleanup());

const file = (rel: string): string => path.join(sb.root, rel.replace('{A}', A).replace('{P}', P).replace('{C}', C));
const edit = (rel: string, change: (text: string) => string): void => fs.writeFileSync(file(rel), change(fs.readFileSync(file(rel), 'utf8')));

function doctor(...args: string[]): { code: number; report: Report } {
  const r = sb.run(['doctor', '--json', ...args]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;
const lockOwner = (pid: number): string => `${JSON.stringify({ pid, host: os.hostname(), at: new Date().toISOString(), token: 't' })}\n`;

/** A well-formed state_changed event, dated after every event of the template. */
function stateChangedText(from: string, to: string): string {
  return `\n<!-- event: state_changed author: tester at: 2026-06-01T15:00:00Z from: ${from} to: ${to} reason: status -->\n\n## State changed: ${from} -> ${to}\n\nstatus\n\n---\n`;
}

interface Check {
  code: string;
  /** Every code the positive fixture must produce (usually just `code`). */
  codes?: string[];
  positive: () => void;
  negative: () => void;
}
const base = (): void => undefined;

const CHECKS: Check[] = [
  { code: 'T001', positive: () => fs.rmSync(file('pending'), { recursive: true }), negative: () => fs.rmSync(file('pending/{P}'), { recursive: true }) },
  { code: 'T002', positive: () => fs.mkdirSync(file('open/00001M0000000-AAAA')), negative: base },
  { code: 'T003', positive: () => fs.rmSync(file('open/{A}/thread.md')), negative: base },
  {
    code: 'T004',
    positive: () => fs.rmSync(file('open/{A}/artifacts'), { recursive: true }),
    negative: () => {
      fs.rmSync(file('open/{A}/artifacts/.gitkeep'));
      fs.writeFileSync(file('open/{A}/artifacts/log.txt'), 'x');
    },
  },
  { code: 'T005', positive: () => edit('open/{A}/item.md', (t) => `\n${t}`), negative: base },
  { code: 'T006', positive: () => edit('open/{A}/item.md', (t) => t.replace('assignee: null\n---\n', 'assignee: null\n')), negative: base },
  {
    code: 'T007',
    positive: () => edit('open/{A}/item.md', (t) => t.replace('kind: "task"\n', 'kind:\n')),
    negative: () => edit('open/{A}/item.md', (t) => t.replace('assignee: null\n', '')),
  },
  { code: 'T008', positive: () => edit('open/{A}/item.md', (t) => t.replace(`id: "${A}"`, 'id: "00001M0000000-ZZZZ"')), negative: base },
  { code: 'T009', positive: () => fs.renameSync(file('open/{A}'), file('pending/{A}')), negative: base },
  {
    code: 'T010',
    positive: () => {
      fs.cpSync(file('pending/{P}'), file('open/{P}'), { recursive: true });
      edit('open/{P}/item.md', (t) => t.replace('status: "pending"', 'status: "open"').replace('slug: "parked"', 'slug: "parked-copy"'));
      edit('open/{P}/thread.md', (t) => t.slice(0, t.indexOf('\n<!-- event: state_changed')));
    },
    negative: base,
  },
  {
    code: 'T011',
    positive: () => edit('pending/{P}/item.md', (t) => t.replace('slug: "parked"', 'slug: "alpha"')),
    negative: () => edit('pending/{P}/item.md', (t) => t.replace('slug: "parked"', 'slug: "alpha-2"')),
  },
  { code: 'T012', codes: ['T008', 'T012'], positive: () => fs.renameSync(file('open/{A}'), file('open/not-an-id')), negative: base },
  {
    code: 'T013',
    positive: () => edit('open/{A}/item.md', (t) => t.replace('labels: []', 'labels: [a, b]')),
    negative: () => edit('open/{A}/item.md', (t) => t.replace('labels: []', 'labels: ["a", "b"]')),
  },
  {
    code: 'T014',
    positive: () => edit('open/{A}/item.md', (t) => t.replace('priority: "P2"', 'priority: "P9"')),
    negative: () => edit('open/{A}/item.md', (t) => t.replace('priority: "P2"', 'priority: "P0"')),
  },
  { code: 'T015', positive: () => edit('open/{A}/item.md', (t) => t.replace('assignee: null\n', `assignee: null\nupdated_at: "${NOW}"\n`)), negative: base },
  { code: 'T016', positive: () => edit('open/{A}/item.md', (t) => t.replace('kind: "task"\n', 'kind: "task"\nkind: "bug"\n')), negative: base },
  { code: 'T017', positive: () => fs.rmSync(file('closed/{C}/resolution.md')), negative: base },
  { code: 'T018', positive: () => fs.writeFileSync(file('open/{A}/resolution.md'), 'Done.\n'), negative: base },
  { code: 'T019', positive: () => fs.appendFileSync(file('open/{A}/thread.md'), 'stray text\n'), negative: base },
  { code: 'T020', positive: () => edit('open/{A}/thread.md', (t) => t.replace('<!-- event: create ', '<!-- event: comment ')), negative: base },
  { code: 'T021', positive: () => edit('open/{A}/thread.md', (t) => t.replace(`at: ${NOW} -->`, `at: ${NOW} mood: happy -->`)), negative: base },
  {
    code: 'T022',
    positive: () => edit('open/{A}/thread.md', (t) => t.replace('status: approve', 'status: maybe')),
    negative: () => edit('open/{A}/thread.md', (t) => t.replace('status: approve', 'status: request_changes')),
  },
  { code: 'T023', positive: () => edit('pending/{P}/thread.md', (t) => t.replace(' reason: status', '')), negative: base },
  { code: 'T024', positive: () => fs.appendFileSync(file('open/{A}/thread.md'), stateChangedText('open', 'pending')), negative: base },
  {
    code: 'T025',
    positive: () => edit('open/{A}/thread.md', (t) => t.replace('at: 2026-06-01T14:00:00Z', 'at: 2026-06-01T13:00:00Z')),
    negative: () => edit('open/{A}/thread.md', (t) => t.replace('at: 2026-06-01T14:00:00Z', `at: ${NOW}`)),
  },
  { code: 'T026', positive: () => edit('open/{A}/item.md', (t) => t.replaceAll('\n', '\r\n')), negative: base },
  { code: 'T027', positive: () => edit('open/{A}/item.md', (t) => `\ufeff${t}`), negative: base },
  {
    code: 'T028',
    positive: () => fs.writeFileSync(file('open/notes.txt'), 'x'),
    negative: () => fs.writeFileSync(file('README.md'), '# Work items\n'),
  },
  { code: 'T029', positive: () => fs.mkdirSync(file(`open/.{A}.staging-0a1b2c`)), negative: base },
  {
    code: 'T030',
    positive: () => {
      fs.mkdirSync(file('.lock'));
      fs.writeFileSync(file('.lock/owner'), lockOwner(deadPid()));
    },
    negative: () => {
      fs.mkdirSync(file('.lock'));
      fs.writeFileSync(file('.lock/owner'), lockOwner(process.pid));
    },
  },
  { code: 'T031', positive: () => fs.rmSync(file('open/{A}/artifacts/.gitkeep')), negative: base },
];

describe('each doctor check', () => {
  it('the template root is clean', () => {
    expect(sb.run(['doctor'])).toEqual({ code: 0, stdout: 'doctor: ok\n', stderr: '' });
  });

  it('covers every code doctor --help lists', () => {
    const listed = sb.ok(['doctor', '--help']).match(/^ {2}T\d{3}/gm)?.map((c) => c.trim());
    expect(CHECKS.map((c) => c.code)).toEqual(listed);
  });

  describe.each(CHECKS)('$code', ({ code, codes, positive, negative }) => {
    it('positive fixture: reported with its code, severity and exit status', () => {
      positive();
      const { code: exit, report } = doctor();
      const expected = codes ?? [code];
      expect([...new Set(report.findings.map((f) => f.code))].sort()).toEqual(expected);
      const finding = report.findings.find((f) => f.code === code);
      const isError = report.findings.some((f) => f.severity === 'error');
      expect(exit).toBe(isError ? 1 : 0);
      expect(report.ok).toBe(!isError);
      expect(report.errors + report.warnings).toBe(report.findings.length);
      expect(doctor('--strict').code).toBe(1);
      const text = sb.run(['doctor']).stdout;
      expect(text).toContain(`doctor: ${finding?.severity} ${code} ${finding?.name}: `);
      expect(text.trimEnd().split('\n').at(-1)).toBe(
        isError ? `doctor: ${report.errors} error(s), ${report.warnings} warning(s)` : `doctor: ok, ${report.warnings} warning(s)`,
      );
    });

    it('negative fixture: not reported', () => {
      negative();
      const { code: exit, report } = doctor('--strict');
      expect(report.findings).toEqual([]);
      expect(exit).toBe(0);
    });
  });

  it.each([
    ['an empty resolution.md', 'T017', () => fs.writeFileSync(file('closed/{C}/resolution.md'), '\n')],
    ['a NUL byte in a thread', 'T027', () => fs.appendFileSync(file('open/{A}/thread.md'), '\0')],
    ['invalid UTF-8 in a thread', 'T027', () => fs.appendFileSync(file('open/{A}/thread.md'), Buffer.from([0xff]))],
    ['an empty bucket without .gitkeep', 'T031', () => {
      fs.rmSync(file('pending'), { recursive: true });
      fs.mkdirSync(file('pending'));
    }],
    ['a stray file in an item', 'T028', () => fs.writeFileSync(file('open/{A}/notes.md'), 'x')],
    ['a stray file in the root', 'T028', () => fs.writeFileSync(file('TODO.md'), 'x')],
    ['a symlink in a bucket', 'T028', () => fs.symlinkSync('/tmp', file('open/00001M0000000-LINK'))],
    ['a lock with no owner for a long time', 'T030', () => {
      fs.mkdirSync(file('.lock'));
      fs.utimesSync(file('.lock'), new Date(0), new Date(0));
    }],
    ['a state_changed event with no from', 'T023', () => edit('pending/{P}/thread.md', (t) => t.replace(' from: open', ''))],
    ['a create event in the middle', 'T020', () => fs.appendFileSync(file('open/{A}/thread.md'), `\n<!-- event: create author: x at: ${NOW} -->\n\n## Created\n\nAgain.\n\n---\n`)],
    ['an author with -->', 'T021', () => edit('open/{A}/thread.md', (t) => t.replace('author: tester', 'author: "a-->b"'))],
    ['a header that does not end in -->', 'T019', () => edit('open/{A}/thread.md', (t) => t.replace(`at: ${NOW} -->`, `at: ${NOW}`))],
    ['a title with a newline escape', 'T014', () => edit('open/{A}/item.md', (t) => t.replace('title: "Alpha"', 'title: "Al\\npha"'))],
    ['a bad created_at', 'T014', () => edit('open/{A}/item.md', (t) => t.replace(`created_at: "${NOW}"`, 'created_at: "2026-13-01T00:00:00Z"'))],
  ])('variant: %s gives %s', (_name, code, mutate) => {
    mutate();
    expect(doctor().report.findings.map((f) => f.code)).toContain(code);
  });
});

describe('doctor output', () => {
  it('prints each finding on stdout, then the summary; paths relative to the CWD', () => {
    fs.rmSync(file('open/{A}/thread.md'));
    fs.writeFileSync(file('open/notes.txt'), 'x');
    const r = sb.run(['doctor']);
    expect(r).toEqual({
      code: 1,
      stderr: '',
      stdout: [
        'doctor: warning T028 stray-entry: work-items/open/notes.txt: a bucket may only hold item directories, not a file',
        `doctor: error T003 missing-thread: work-items/open/${A}: thread.md is missing (or is not a regular file)`,
        'doctor: 1 error(s), 1 warning(s)',
        '',
      ].join('\n'),
    });
    const fromSub = sb.run(['doctor'], { cwd: file('open') });
    expect(fromSub.stdout).toContain(`doctor: error T003 missing-thread: ${A}: thread.md`);
  });

  it('gives the line of a thread finding', () => {
    fs.appendFileSync(file('open/{A}/thread.md'), stateChangedText('open', 'pending'));
    expect(sb.run(['doctor']).stdout).toContain(`doctor: error T024 state-history: work-items/open/${A}/thread.md:25: the thread leaves the item pending, but its status is open\n`);
  });

  it('reports in JSON with root, counts and findings', () => {
    fs.rmSync(file('open/{A}/artifacts/.gitkeep'));
    const { code, report } = doctor();
    expect(code).toBe(0);
    expect(report).toEqual({
      ok: true,
      root: sb.root,
      errors: 0,
      warnings: 1,
      strict: false,
      fixed: [],
      findings: [{ code: 'T031', name: 'empty-dir', severity: 'warning', path: `open/${A}/artifacts`, message: 'empty; add a .gitkeep so git keeps it' }],
    });
    expect(sb.run(['doctor', '--strict']).stdout).toBe(
      `doctor: warning T031 empty-dir: work-items/open/${A}/artifacts: empty; add a .gitkeep so git keeps it\ndoctor: 0 error(s), 1 warning(s) (--strict)\n`,
    );
  });

  it('a missing root gives one T001 per bucket', () => {
    fs.rmSync(sb.root, { recursive: true });
    expect(sb.run(['doctor'])).toEqual({
      code: 1,
      stderr: '',
      stdout: [
        'doctor: error T001 missing-bucket: work-items/open: missing directory: open/',
        'doctor: error T001 missing-bucket: work-items/pending: missing directory: pending/',
        'doctor: error T001 missing-bucket: work-items/closed: missing directory: closed/',
        'doctor: 3 error(s), 0 warning(s)',
        '',
      ].join('\n'),
    });
    expect(fs.existsSync(sb.root)).toBe(false);
  });

  it('is read-only without --fix', () => {
    fs.rmSync(file('open/{A}/thread.md'));
    edit('pending/{P}/item.md', (t) => t.replaceAll('\n', '\r\n'));
    const before = sb.tree();
    sb.run(['doctor']);
    sb.run(['doctor', '--json', '--strict']);
    expect(sb.tree()).toEqual(before);
  });

  it('exits 2 on a usage error', () => {
    const r = sb.run(['doctor', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unknown doctor argument: --frobnicate\n');
  });
});

describe('doctor --fix', () => {
  it('repairs what loses nothing and reports what it fixed', () => {
    fs.rmSync(file('open/{A}/thread.md'));
    fs.rmSync(file('pending/{P}/artifacts'), { recursive: true });
    fs.rmSync(file('closed/{C}/artifacts/.gitkeep'));
    edit('closed/{C}/item.md', (t) => t.replaceAll('\n', '\r\n'));
    fs.mkdirSync(file('.lock'));
    fs.writeFileSync(file('.lock/owner'), lockOwner(deadPid()));
    fs.writeFileSync(file('open/notes.txt'), 'x');
    const r = sb.run(['doctor', '--fix', '--json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.fixed.map((f) => f.code).sort()).toEqual(['T003', 'T004', 'T026', 'T030', 'T031']);
    expect(report.findings.map((f) => f.code)).toEqual(['T028']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: removed a stale lock');
    expect(sb.read(`open/${A}/thread.md`)).toBe(
      `<!-- event: create author: "tickets.sh doctor" at: ${NOW} -->\n\n## Created\n\nthread.md was missing; recreated by tickets.sh doctor --fix.\n\n---\n`,
    );
    expect(sb.read(`closed/${C}/item.md`)).not.toContain('\r');
    expect(fs.existsSync(file('.lock'))).toBe(false);
    fs.rmSync(file('open/notes.txt'));
    expect(sb.run(['doctor', '--strict']).stdout).toBe('doctor: ok\n');
  });

  it('recreates the thread of a pending item with the state change that explains its bucket', () => {
    fs.rmSync(file('pending/{P}/thread.md'));
    const r = sb.run(['doctor', '--fix']);
    expect(r.stdout).toBe(`doctor: fixed T003 missing-thread: work-items/pending/${P}\ndoctor: ok\n`);
    expect(sb.read(`pending/${P}/thread.md`)).toContain('from: open to: pending reason: "recreated by doctor --fix"');
  });

  it('creates missing buckets', () => {
    fs.rmSync(file('pending'), { recursive: true });
    expect(sb.run(['doctor', '--fix']).stdout).toBe('doctor: fixed T001 missing-bucket: work-items/pending\ndoctor: ok\n');
    expect(fs.readFileSync(file('pending/.gitkeep'), 'utf8')).toBe('');
  });

  it('leaves what it cannot repair safely', () => {
    edit('open/{A}/item.md', (t) => t.replace('priority: "P2"', 'priority: "P9"'));
    const before = sb.tree();
    const r = sb.run(['doctor', '--fix']);
    expect(r.code).toBe(1);
    expect(sb.tree()).toEqual(before);
  });
});
