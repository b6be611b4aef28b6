import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW, Sandbox } from './harness.js';

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const HEADER = 'status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n';

describe('list', () => {
  it('prints TSV in bucket order, then id order, filtered by --status', () => {
    const [a, b, c, d] = ['One', 'Two', 'Three', 'Four'].map((t) => sb.create(t));
    sb.ok(['status', a ?? '', 'pending']);
    sb.ok(['close', b ?? '', '--resolution', 'done'], { env: { TICKETS_NOW: '2026-06-02T00:00:00Z' } });
    const row = (status: string, id: string | undefined, slug: string, title: string, at = NOW): string => `${status}\t${id}\t${slug}\t${title}\ttask\tP2\t${at}\n`;
    expect(sb.ok(['list'])).toBe(HEADER + row('open', c, 'three', 'Three') + row('open', d, 'four', 'Four'));
    expect(sb.ok(['list', '--status', 'all'])).toBe(
      HEADER + row('open', c, 'three', 'Three') + row('open', d, 'four', 'Four') + row('pending', a, 'one', 'One') + row('closed', b, 'two', 'Two', '2026-06-02T00:00:00Z'),
    );
    expect(sb.ok(['list', '--status', 'closed'])).toBe(HEADER + row('closed', b, 'two', 'Two', '2026-06-02T00:00:00Z'));
  });

  it('prints JSON with every field', () => {
    const id = sb.create('Json', '--label', 'x,y', '--kind', 'docs', '--priority', 'P3');
    expect(JSON.parse(sb.ok(['list', '--json']))).toEqual([
      { id, slug: 'json', title: 'Json', status: 'open', kind: 'docs', priority: 'P3', labels: ['x', 'y'], assignee: null, created_at: NOW, updated_at: NOW, path: `open/${id}` },
    ]);
  });

  it('escapes tabs, newlines, carriage returns and backslashes of a hand-edited title', () => {
    const id = sb.create('Plain');
    const file = path.join(sb.root, 'open', id, 'item.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('title: "Plain"', 'title: "a\\tb\\nc\\rd\\\\e"'));
    const r = sb.run(['list']);
    expect(r.stdout).toBe(`${HEADER}open\t${id}\tplain\ta\\tb\\nc\\rd\\\\e\ttask\tP2\t${NOW}\n`);
    expect(r.stdout.trimEnd().split('\n').map((line) => line.split('\t').length)).toEqual([7, 7]);
  });

  it('skips an item it cannot read, says so, and exits 1', () => {
    const good = sb.create('Good');
    const bad = sb.create('Bad');
    fs.writeFileSync(path.join(sb.root, 'open', bad, 'item.md'), 'no front matter\n');
    const r = sb.run(['list']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${HEADER}open\t${good}\tgood\tGood\ttask\tP2\t${NOW}\n`);
    expect(r.stderr).toBe(`warning: skipped open/${bad}: its item.md cannot be read (see tickets.sh doctor)\n`);
  });
});

describe('show', () => {
  it('prints the header, item.md, thread.md, resolution.md and artifacts', () => {
    const id = sb.create('Shown');
    sb.ok(['close', id, '--resolution', 'All done.']);
    fs.writeFileSync(path.join(sb.root, 'closed', id, 'artifacts', 'report.md'), 'r\n');
    const item = sb.read(`closed/${id}/item.md`);
    const thread = sb.read(`closed/${id}/thread.md`);
    expect(sb.ok(['show', id])).toBe(
      `# Shown\n\nPath: work-items/closed/${id}\nStatus: closed\nID: ${id}\nSlug: shown\n\n## item.md\n\n${item}\n## thread.md\n\n${thread}\n## resolution.md\n\nAll done.\n\n## artifacts\n\n- artifacts/report.md\n`,
    );
  });

  it('shows the last 80 thread lines unless --all', () => {
    const id = sb.create('Long');
    sb.ok(['comment', id, '--message', Array.from({ length: 100 }, (_, k) => `line ${k}`).join('\n')]);
    const thread = sb.read(`open/${id}/thread.md`);
    const lines = thread.slice(0, -1).split('\n');
    const short = sb.ok(['show', id]);
    expect(short).toContain(`## thread.md\n\n(${lines.length - 80} earlier lines not shown; use --all for the whole thread)\n${lines.slice(-80).join('\n')}\n`);
    expect(short).not.toContain('line 10\n');
    expect(sb.ok(['show', id, '--all']).endsWith(`## thread.md\n\n${thread}`)).toBe(true);
  });

  it('--json gives fields, body, events with their attributes, resolution, artifacts and findings', () => {
    const id = sb.create('Json show', '--message', 'Body.');
    sb.ok(['review', id, '--request-changes', '--message', 'Not yet.']);
    const shown = JSON.parse(sb.ok(['show', id, '--json'])) as Record<string, unknown>;
    expect(shown).toMatchObject({ id, slug: 'json-show', body: 'Body.\n', resolution: null, artifacts: [], findings: [] });
    expect(shown['events']).toEqual([
      { event: 'create', author: 'tester', at: NOW, attrs: {}, heading: 'Created', body: 'Created by tickets.sh create.' },
      { event: 'review', author: 'tester', at: NOW, attrs: { status: 'request_changes' }, heading: 'Review: request changes', body: 'Not yet.' },
    ]);
  });

  it('shows what it can of a malformed item, with its findings', () => {
    const id = sb.create('Broken');
    fs.rmSync(path.join(sb.root, 'open', id, 'thread.md'));
    expect(sb.ok(['show', id])).toContain('## thread.md\n\n(missing thread.md)\n');
    const shown = JSON.parse(sb.ok(['show', id, '--json'])) as { events: unknown; findings: { code: string }[] };
    expect(shown.events).toBeNull();
    expect(shown.findings.map((f) => f.code)).toEqual(['T003']);
  });
});
