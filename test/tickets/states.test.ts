import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW, Sandbox } from './harness.js';

type State = 'open' | 'pending' | 'closed';

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

/** An item in `state`, with an artifact, reached through the tool itself. */
function itemIn(state: State): string {
  const id = sb.create('Stateful');
  fs.writeFileSync(path.join(sb.root, 'open', id, 'artifacts', 'report.md'), 'report\n');
  if (state === 'pending') sb.ok(['status', id, 'pending']);
  if (state === 'closed') sb.ok(['close', id, '--resolution', 'Done.']);
  return id;
}

const changed = (from: State, to: State, reason: string): string =>
  `\n<!-- event: state_changed author: tester at: ${NOW} from: ${from} to: ${to} reason: ${reason} -->\n\n## State changed: ${from} -> ${to}\n\n${reason}\n\n---\n`;
const closeEvent = (resolution: string): string => `\n<!-- event: close author: tester at: ${NOW} status: closed -->\n\n## Closed\n\n${resolution}\n\n---\n`;
const archived = (resolution: string): string => `\n<!-- event: resolution_archived author: tester at: ${NOW} -->\n\n## Resolution archived\n\n${resolution}\n\n---\n`;

interface Move {
  to: State;
  events: (from: State) => string;
  resolution: string | null;
}

const statusMove = (to: State): Move => ({
  to,
  events: (from) => (from === 'closed' ? archived('Done.\n') : '') + changed(from, to, 'status'),
  resolution: null,
});
const closeMove: Move = { to: 'closed', events: (from) => changed(from, 'closed', 'close') + closeEvent('Finished.\n'), resolution: 'Finished.\n' };

/** The whole transition table: every command from every state. */
const TABLE: [State, string[], Move | { refused: number; message: string } | 'unchanged'][] = [
  ['open', ['status', '@', 'open'], 'unchanged'],
  ['open', ['status', '@', 'pending'], statusMove('pending')],
  ['open', ['status', '@', 'closed'], { refused: 2, message: "error: status does not close items: use 'tickets.sh close @ --resolution TEXT'" }],
  ['open', ['close', '@', '--resolution', 'Finished.'], closeMove],
  ['pending', ['status', '@', 'open'], statusMove('open')],
  ['pending', ['status', '@', 'pending'], 'unchanged'],
  ['pending', ['status', '@', 'closed'], { refused: 2, message: "error: status does not close items: use 'tickets.sh close @ --resolution TEXT'" }],
  ['pending', ['close', '@', '--resolution', 'Finished.'], closeMove],
  ['closed', ['status', '@', 'open'], statusMove('open')],
  ['closed', ['status', '@', 'pending'], statusMove('pending')],
  ['closed', ['status', '@', 'closed'], { refused: 2, message: "error: status does not close items: use 'tickets.sh close @ --resolution TEXT'" }],
  ['closed', ['close', '@', '--resolution', 'Done.'], 'unchanged'],
  ['closed', ['close', '@', '--resolution', 'Something else.'], { refused: 1, message: "error: @ is already closed with another resolution; reopen it first ('tickets.sh status @ open')" }],
  ['open', ['status', '@', 'archived'], { refused: 2, message: 'error: invalid status: archived (use open or pending)' }],
  ['open', ['close', '@'], { refused: 2, message: 'error: the resolution needs --resolution TEXT or --file PATH (--file - reads stdin)' }],
  ['open', ['close', '@', '--resolution', ' '], { refused: 2, message: 'error: the resolution is empty (--resolution)' }],
];

describe('transition table', () => {
  it.each(TABLE)('%s: %j', (from, template, expected) => {
    const id = itemIn(from);
    const args = template.map((a) => a.replace('@', id));
    const dir = path.join(sb.root, from, id);
    const item = fs.readFileSync(path.join(dir, 'item.md'), 'utf8');
    const thread = fs.readFileSync(path.join(dir, 'thread.md'), 'utf8');
    const before = sb.tree();
    const r = sb.run(args);

    if (expected === 'unchanged') {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^note: ${id} is already`));
      expect(sb.tree()).toEqual(before);
      return;
    }
    if ('refused' in expected) {
      expect(r.code).toBe(expected.refused);
      expect(r.stderr).toContain(`${expected.message.replaceAll('@', id)}\n`);
      expect(sb.tree()).toEqual(before);
      return;
    }
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const target = path.join(sb.root, expected.to, id);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readFileSync(path.join(target, 'item.md'), 'utf8')).toBe(item.replace(`status: "${from}"`, `status: "${expected.to}"`));
    expect(fs.readFileSync(path.join(target, 'thread.md'), 'utf8')).toBe(thread + expected.events(from));
    const resolution = path.join(target, 'resolution.md');
    expect(fs.existsSync(resolution) ? fs.readFileSync(resolution, 'utf8') : null).toBe(expected.resolution);
    expect(fs.readFileSync(path.join(target, 'artifacts', 'report.md'), 'utf8')).toBe('report\n');
    expect(fs.readdirSync(path.join(sb.root, from)).filter((n) => n.startsWith('.') && n !== '.gitkeep')).toEqual([]);
    expect(sb.ok(['doctor'])).toBe('doctor: ok\n');
  });
});

describe('close', () => {
  it('takes the resolution from --file, verbatim after CRLF normalisation', () => {
    const id = itemIn('open');
    fs.writeFileSync(path.join(sb.dir, 'res.md'), 'Shipped.\r\n\r\nSee artifacts/report.md.\r\n');
    sb.ok(['close', id, '--file', 'res.md']);
    expect(sb.read(`closed/${id}/resolution.md`)).toBe('Shipped.\n\nSee artifacts/report.md.\n');
  });

  it('is atomic: a missing --file changes nothing', () => {
    const id = itemIn('open');
    const before = sb.tree();
    const r = sb.run(['close', id, '--file', 'nope.md']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: file not found: nope.md\n');
    expect(sb.tree()).toEqual(before);
  });

  it('is atomic: a failure after the staging copy is complete leaves every file as it was', () => {
    const id = itemIn('pending');
    const before = sb.tree();
    const r = sb.run(['close', id, '--resolution', 'x'], { env: { TICKETS_TEST_FAULT: 'before-commit' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('internal error: Error: injected fault at before-commit');
    expect(sb.tree()).toEqual(before);
  });

  it('refuses when the target path already exists, before writing', () => {
    const id = itemIn('open');
    fs.writeFileSync(path.join(sb.root, 'closed', id), 'squatter');
    const before = sb.tree();
    const r = sb.run(['close', id, '--resolution', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: target already exists: work-items/closed/${id}\n`);
    expect(sb.tree()).toEqual(before);
  });

  it('a reopened item can be closed again with a new resolution; both resolutions stay in the thread', () => {
    const id = itemIn('closed');
    sb.ok(['status', id, 'open', '--reason', 'regression found']);
    sb.ok(['close', id, '--resolution', 'Fixed for real.']);
    const events = (JSON.parse(sb.ok(['show', id, '--json'])) as { events: { event: string; body: string }[] }).events;
    expect(events.map((e) => e.event)).toEqual(['create', 'state_changed', 'close', 'resolution_archived', 'state_changed', 'state_changed', 'close']);
    expect(events.filter((e) => e.event !== 'state_changed').map((e) => e.body)).toEqual(['Created by tickets.sh create.', 'Done.\n', 'Done.\n', 'Fixed for real.\n']);
    expect(sb.read(`closed/${id}/resolution.md`)).toBe('Fixed for real.\n');
  });
});

describe('malformed items are not changed', () => {
  it.each([
    ['comment', ['comment', '@', '--message', 'x']],
    ['status', ['status', '@', 'pending']],
    ['close', ['close', '@', '--resolution', 'x']],
  ])('%s refuses an item whose thread is broken', (_name, template) => {
    const id = itemIn('open');
    fs.appendFileSync(path.join(sb.root, 'open', id, 'thread.md'), 'stray text\n');
    const before = sb.tree();
    const r = sb.run(template.map((a) => a.replace('@', id)));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`  thread-syntax (T019): open/${id}/thread.md:8: an event must end with a blank line and '---', followed by one blank line before the next event\n`);
    expect(r.stderr).toContain(`error: work item open/${id} is malformed; fix it first (see tickets.sh doctor)\n`);
    expect(sb.tree()).toEqual(before);
  });
});
