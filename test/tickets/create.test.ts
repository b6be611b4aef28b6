import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ID_RE, NOW, Sandbox, idMillis } from './harness.js';

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const slugOf = (id: string): string => (JSON.parse(sb.ok(['show', id, '--json'])) as { slug: string }).slug;

describe('create', () => {
  it('writes exactly item.md, thread.md, artifacts/.gitkeep and the bucket .gitkeeps', () => {
    const r = sb.run(['create', '--title', 'Hello, World!  Foo__bar', '--label', 'a,b', '--label', ' c ,a']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const id = r.stdout.trim();
    expect(r.stdout).toBe(`${id}\n`);
    expect(id).toMatch(ID_RE);
    expect(idMillis(id)).toBe(Date.parse(NOW));

    expect(Object.keys(sb.tree()).filter((p) => !p.endsWith('/'))).toEqual([
      'work-items/closed/.gitkeep',
      `work-items/open/${id}/artifacts/.gitkeep`,
      `work-items/open/${id}/item.md`,
      `work-items/open/${id}/thread.md`,
      'work-items/open/.gitkeep',
      'work-items/pending/.gitkeep',
    ].sort());
    expect(sb.read(`open/${id}/item.md`)).toBe(
      [
        '---',
        `id: "${id}"`,
        'slug: "hello-world-foo-bar"',
        'title: "Hello, World!  Foo__bar"',
        'status: "open"',
        'kind: "task"',
        'priority: "P2"',
        'labels: ["a", "b", "c"]',
        `created_at: "${NOW}"`,
        'assignee: null',
        '---',
        '',
        '## Background',
        '',
        'Created by tickets.sh.',
        '',
        '## Acceptance criteria',
        '',
        '- TBD',
        '',
      ].join('\n'),
    );
    expect(sb.read(`open/${id}/thread.md`)).toBe(`<!-- event: create author: tester at: ${NOW} -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n`);
    expect(sb.read(`open/${id}/artifacts/.gitkeep`)).toBe('');
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });

  it('takes kind, priority, an explicit slug and a body from --message', () => {
    const id = sb.create('Fix the parser', '--kind', 'bug', '--priority', 'P1', '--slug', 'parser-fix', '--message', 'The parser breaks.');
    const item = sb.read(`open/${id}/item.md`);
    expect(item).toContain('slug: "parser-fix"\ntitle: "Fix the parser"\nstatus: "open"\nkind: "bug"\npriority: "P1"\nlabels: []\n');
    expect(item.endsWith('---\n\nThe parser breaks.\n')).toBe(true);
  });

  it('reads the body from --file, and from stdin only with --file -', () => {
    fs.writeFileSync(path.join(sb.dir, 'body.md'), 'From a file.\r\nSecond line.\r\n');
    const a = sb.create('From file', '--file', 'body.md');
    expect(sb.read(`open/${a}/item.md`).endsWith('---\n\nFrom a file.\nSecond line.\n')).toBe(true);
    const b = sb.ok(['create', '--title', 'From stdin', '--file', '-'], { input: 'Piped body\n' }).trim();
    expect(sb.read(`open/${b}/item.md`).endsWith('---\n\nPiped body\n')).toBe(true);
  });

  it('never reads stdin on its own: an open, silent stdin does not block', async () => {
    const r = await sb.start(['create', '--title', 'No stdin']);
    expect(r.code).toBe(0);
    expect(sb.read(`open/${r.stdout.trim()}/item.md`)).toContain('Created by tickets.sh.');
  });

  it('gives ids that sort by time, one millisecond apart when the clock stands still', () => {
    const ids = ['a', 'b', 'c'].map((t) => sb.create(t));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map(idMillis)).toEqual([0, 1, 2].map((n) => Date.parse(NOW) + n));
  });

  it('follows the clock when it moves on', () => {
    const a = sb.create('a');
    const b = sb.ok(['create', '--title', 'b'], { env: { TICKETS_NOW: '2026-06-02T00:00:00Z' } }).trim();
    expect(idMillis(b)).toBe(Date.parse('2026-06-02T00:00:00Z'));
    expect(b > a).toBe(true);
  });

  it('refuses a bad TICKETS_NOW', () => {
    const r = sb.run(['create', '--title', 'x'], { env: { TICKETS_NOW: 'yesterday' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: TICKETS_NOW must be a UTC timestamp YYYY-MM-DDTHH:MM:SSZ, not 'yesterday'\n");
  });
});

describe('slugs', () => {
  it.each([
    ['Hello, World!  Foo__bar', 'hello-world-foo-bar'],
    ['My Slug!', 'my-slug'],
    ['TUI: add peer Pod handshake command', 'tui-add-peer-pod-handshake-command'],
    ['Crème brûlée für Jürgen', 'creme-brulee-fur-jurgen'],
    ['日本語のタイトル', 'item'],
    ['!?!', 'item'],
    ['word '.repeat(30), 'word-word-word-word-word-word-word-word-word-word-word-word-word'],
  ])('%j -> %s', (title, slug) => {
    expect(slugOf(sb.create(title))).toBe(slug);
  });

  it('suffixes a derived slug that is taken: duplicate and non-ASCII titles', () => {
    const slugs = ['Same', 'Same', 'Same', '日本語', 'Ελληνικά'].map((t) => slugOf(sb.create(t)));
    expect(slugs).toEqual(['same', 'same-2', 'same-3', 'item', 'item-2']);
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });

  it('refuses an explicit slug that is taken, and writes nothing', () => {
    const id = sb.create('First', '--slug', 'taken');
    const before = sb.tree();
    const r = sb.run(['create', '--title', 'Second', '--slug', 'taken']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: slug already in use: taken (by open/${id})\n`);
    expect(sb.tree()).toEqual(before);
  });
});

describe('labels', () => {
  it('splits on commas, trims, drops empty ones and keeps the first of duplicates, across repeated flags', () => {
    const id = sb.create('L', '--label', 'ux, tui,,', '--label', 'tui', '--label', 'v1.2_beta-3');
    expect(sb.read(`open/${id}/item.md`)).toContain('labels: ["ux", "tui", "v1.2_beta-3"]\n');
  });

  it('an empty --label gives an empty list', () => {
    const id = sb.create('L', '--label', '');
    expect(sb.read(`open/${id}/item.md`)).toContain('labels: []\n');
  });
});
