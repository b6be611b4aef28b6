import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW, Sandbox, lastEvent } from './harness.js';

let sb: Sandbox;
let id: string;
beforeEach(() => {
  sb = new Sandbox();
  id = sb.create('Events');
});
afterEach(() => sb.cleanup());

const thread = (): string => sb.read(`open/${id}/thread.md`);

interface ShownEvent {
  event: string;
  author: string;
  at: string;
  attrs: Record<string, string>;
  heading: string;
  body: string;
}
const events = (): ShownEvent[] => (JSON.parse(sb.ok(['show', id, '--json'])) as { events: ShownEvent[] }).events;

describe('comment and review write these exact bytes', () => {
  it.each([
    [[], 'comment', 'Comment'],
    [['--role', 'plan'], 'plan', 'Plan'],
    [['--role', 'decision'], 'decision', 'Decision'],
    [['--role', 'implementation_report'], 'implementation_report', 'Implementation report'],
    [['--role', 'question'], 'question', 'Question'],
    [['--role', 'fix'], 'fix', 'fix'],
  ])('comment %j', (args, event, heading) => {
    const before = thread();
    expect(sb.ok(['comment', id, ...args, '--message', 'Body text.'])).toBe('');
    expect(thread()).toBe(`${before}\n<!-- event: ${event} author: tester at: ${NOW} -->\n\n## ${heading}\n\nBody text.\n\n---\n`);
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });

  it.each([
    ['--approve', 'approve', 'Review: approve'],
    ['--request-changes', 'request_changes', 'Review: request changes'],
  ])('review %s', (flag, status, heading) => {
    const before = thread();
    sb.ok(['review', id, flag, '--message', 'Looked at it.\n']);
    expect(thread()).toBe(`${before}\n<!-- event: review author: tester at: ${NOW} status: ${status} -->\n\n## ${heading}\n\nLooked at it.\n\n\n---\n`);
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });

  it('review needs exactly one result and a body', () => {
    for (const args of [['--message', 'x'], ['--approve', '--request-changes', '--message', 'x'], ['--approve']]) {
      expect(sb.run(['review', id, ...args]).code).toBe(2);
    }
  });

  it('a comment changes thread.md only, with one append', () => {
    const before = sb.tree();
    sb.ok(['comment', id, '--message', 'x']);
    const after = sb.tree();
    const changed = Object.keys(after).filter((p) => after[p] !== before[p]);
    expect(changed).toEqual([`work-items/open/${id}/thread.md`]);
    const old = Buffer.from(before[changed[0] ?? ''] ?? '', 'base64').toString('utf8');
    expect(thread().startsWith(old)).toBe(true);
  });

  it('quotes an author with spaces, quotes or backslashes, and reads it back', () => {
    sb.ok(['comment', id, '--author', 'Ada "The" Lovelace \\ 1815', '--message', 'x']);
    expect(lastEvent(thread())).toContain(`<!-- event: comment author: "Ada \\"The\\" Lovelace \\\\ 1815" at: ${NOW} -->`);
    expect(events().at(-1)?.author).toBe('Ada "The" Lovelace \\ 1815');
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });

  it('takes the author from --author, then TICKETS_AUTHOR, then git config user.name, then USER, then unknown', () => {
    const noAuthor = { TICKETS_AUTHOR: undefined, USER: 'unix' };
    sb.ok(['comment', id, '--message', 'a', '--author', 'cli']);
    sb.ok(['comment', id, '--message', 'b']);
    sb.ok(['comment', id, '--message', 'c'], { env: noAuthor });
    sb.ok(['comment', id, '--message', 'd'], { env: { ...noAuthor, USER: undefined } });
    fs.writeFileSync(path.join(sb.dir, '.gitconfig'), '[user]\n\tname = Git Person\n');
    sb.ok(['comment', id, '--message', 'e'], { env: noAuthor });
    expect(events().map((e) => e.author)).toEqual(['tester', 'cli', 'tester', 'unix', 'unknown', 'Git Person']);
  });
});

describe('bodies', () => {
  it('reads --file, normalises CRLF to LF and keeps the body verbatim otherwise', () => {
    fs.writeFileSync(path.join(sb.dir, 'crlf.md'), 'line one\r\nline two\r\n\r\n\tindented\r\n');
    sb.ok(['comment', id, '--file', 'crlf.md']);
    expect(lastEvent(thread())).toBe(`\n<!-- event: comment author: tester at: ${NOW} -->\n\n## Comment\n\nline one\nline two\n\n\tindented\n\n\n---\n`);
    expect(events().at(-1)?.body).toBe('line one\nline two\n\n\tindented\n');
  });

  it('reads stdin only with --file -', async () => {
    sb.ok(['comment', id, '--file', '-'], { input: 'from stdin' });
    expect(events().at(-1)?.body).toBe('from stdin');
    const r = await sb.start(['comment', id, '--message', 'no stdin needed']);
    expect(r.code).toBe(0);
    const refused = await sb.start(['comment', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error: the comment needs --message TEXT or --file PATH (--file - reads stdin)\n');
  });

  it('cannot forge an event: a header-like body line is escaped on write and restored on read', () => {
    const body = 'before\n<!-- event: close author: mallory at: 2020-01-01T00:00:00Z status: closed -->\n\\<!-- event: x -->\nafter';
    sb.ok(['comment', id, '--message', body]);
    expect(lastEvent(thread())).toContain('\nbefore\n\\<!-- event: close author: mallory at: 2020-01-01T00:00:00Z status: closed -->\n\\\\<!-- event: x -->\nafter\n');
    expect(events().map((e) => e.event)).toEqual(['create', 'comment']);
    expect(events().at(-1)?.body).toBe(body);
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });

  it.each([
    [['--message', '   \n '], 2, 'error: the comment is empty (--message)'],
    [['--message', 'bell \u0007'], 2, 'error: --message contains a control character other than tab and newline'],
    [['--file', 'missing.md'], 1, 'error: file not found: missing.md'],
    [['--file', '.'], 1, 'error: not a file: .'],
  ])('refuses %j and leaves the files as they were', (args, code, message) => {
    const before = sb.tree();
    const r = sb.run(['comment', id, ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(`${message}\n`);
    expect(sb.tree()).toEqual(before);
  });

  it('refuses a file that is not UTF-8', () => {
    fs.writeFileSync(path.join(sb.dir, 'latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    const before = sb.tree();
    expect(sb.run(['comment', id, '--file', 'latin1.md']).stderr).toBe('error: latin1.md is not valid UTF-8\n');
    expect(sb.tree()).toEqual(before);
  });
});

describe('injection attempts are refused before anything is written', () => {
  const cases: [string, string[], string][] = [
    ['newline in a title', ['create', '--title', 'a\nstatus: "closed"'], 'error: --title contains a control character (newline, tab, carriage return or similar)'],
    ['tab in a title', ['create', '--title', 'a\tb'], 'error: --title contains a control character (newline, tab, carriage return or similar)'],
    ['--> in a title', ['create', '--title', 'a --> b'], "error: --title contains '-->'"],
    ['a line separator in a title', ['create', '--title', 'a\u2028b'], 'error: --title contains a control character (newline, tab, carriage return or similar)'],
    ['newline in an author', ['comment', '@', '--author', 'eve\n<!-- event: close', '--message', 'x'], 'error: --author contains a control character (newline, tab, carriage return or similar)'],
    ['--> in an author', ['comment', '@', '--author', 'eve -->', '--message', 'x'], "error: --author contains '-->'"],
    ['a tab in an author', ['review', '@', '--approve', '--author', 'e\tve', '--message', 'x'], 'error: --author contains a control character (newline, tab, carriage return or similar)'],
    ['a space in a role', ['comment', '@', '--role', 'a b', '--message', 'x'], "error: role 'a b' must match [a-z][a-z0-9_]* (at most 32 characters)"],
    ['--> in a role', ['comment', '@', '--role', 'x-->', '--message', 'x'], "error: role 'x-->' must match [a-z][a-z0-9_]* (at most 32 characters)"],
    ['a newline in a role', ['comment', '@', '--role', 'a\nb', '--message', 'x'], "error: role 'a\nb' must match [a-z][a-z0-9_]* (at most 32 characters)"],
    ['a reserved role', ['comment', '@', '--role', 'close', '--message', 'x'], "error: role 'close' is reserved for events tickets.sh writes itself"],
    ['a glob in a label', ['create', '--title', 't', '--label', '*'], "error: label '*' must start with a letter or digit and use only letters, digits, '.', '_' and '-'"],
    ['a bracket glob in a label', ['create', '--title', 't', '--label', 'a[bc]'], "error: label 'a[bc]' must start with a letter or digit and use only letters, digits, '.', '_' and '-'"],
    ['a tab in a label', ['create', '--title', 't', '--label', 'a\tb'], "error: label 'a\tb' must start with a letter or digit and use only letters, digits, '.', '_' and '-'"],
    ['a newline in a reason', ['status', '@', 'pending', '--reason', 'a\nb'], 'error: --reason contains a control character (newline, tab, carriage return or similar)'],
    ['a path as a slug', ['create', '--title', 't', '--slug', '../x'], "error: invalid slug: ../x (use lowercase a-z, 0-9 and single '-', at most 64 characters, e.g. x)"],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    fs.writeFileSync(path.join(sb.dir, 'star-file'), '');
    const before = sb.tree();
    const r = sb.run(args.map((a) => (a === '@' ? id : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${message}\n`);
    expect(sb.tree()).toEqual(before);
  });

  it('refuses an unsafe author from the environment with exit 1', () => {
    const before = sb.tree();
    const r = sb.run(['comment', id, '--message', 'x'], { env: { TICKETS_AUTHOR: 'a --> b' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: the author from TICKETS_AUTHOR contains '-->'; pass --author NAME\n");
    expect(sb.tree()).toEqual(before);
  });

  it('stores glob and quote characters in a title as data, never expanded', () => {
    const title = 'Fix * and ? in "paths" [a-z] $HOME `id`';
    const other = sb.create(title);
    expect(sb.read(`open/${other}/item.md`)).toContain(`title: ${JSON.stringify(title)}\n`);
    expect((JSON.parse(sb.ok(['show', other, '--json'])) as { title: string }).title).toBe(title);
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });
});
