import { describe, expect, it } from 'vitest';
import type { PodOverview } from '../../src/application/use-cases/overview-pods.js';
import { filterRows, treeOrder } from '../../src/adapters/tui/dash/dash-rows.js';
import { splitKeys } from '../../src/adapters/tui/dash/dash-keys.js';
import { CHROME_ROWS, renderDash } from '../../src/adapters/tui/dash/render-dash.js';
import { COLOURS, NO_COLOURS } from '../../src/adapters/tui/palette.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';

const pod = (name: string, extra: Partial<PodOverview> = {}): PodOverview => ({
  name: PodName.unsafe(name), profile: ProfileName.unsafe('default'), status: 'idle', unconfined: false, unseenInput: 0, peers: [], breaker: [], ...extra,
});
const child = (name: string, parent: string) => pod(name, { parent: PodName.unsafe(parent) });
const names = (rows: ReturnType<typeof treeOrder> | readonly { pod: PodOverview; depth: number }[]) => rows.map((r) => `${'  '.repeat(r.depth)}${r.pod.name}`);

describe('the dashboard rows', () => {
  it('orders Pods as a tree: operator Pods by name, each followed by its children, theirs below them; an orphan is a root', () => {
    const rows = treeOrder([pod('zed'), child('kid2', 'main'), pod('main'), child('grandkid', 'kid1'), child('kid1', 'main'), child('lost', 'removed')]);
    expect(names(rows)).toEqual(['lost', 'main', '  kid1', '    grandkid', '  kid2', 'zed']);
  });

  it('filters by name, case-insensitively, keeping the ancestors of a match so the tree still reads', () => {
    const rows = treeOrder([pod('main'), child('kid1', 'main'), child('Worker', 'kid1'), pod('zed')]);
    expect(names(filterRows(rows, 'work'))).toEqual(['main', '  kid1', '    Worker']);
    expect(names(filterRows(rows, ''))).toEqual(names(rows));
    expect(filterRows(rows, 'nothing')).toEqual([]);
  });

  it('draws only the rows that fit, however many Pods there are, none wider than the terminal', () => {
    // A row's text is the only reader of lastActivity: the Pods whose rows were drawn are the ones it was read of.
    const drawn: string[] = [];
    const many = treeOrder(Array.from({ length: 1000 }, (_, i) => {
      const overview = pod(`pod-${String(i).padStart(4, '0')}`);
      return Object.defineProperty(overview, 'lastActivity', { get: () => void drawn.push(overview.name), enumerable: true });
    }));
    const lines = renderDash({
      rows: many, selected: 500, top: 495, columns: 80, height: 24, total: 1000, filter: '', footer: 'keys',
      live: () => undefined, hostId: 'host_me', now: Date.now(), palette: NO_COLOURS,
    });
    expect(drawn).toEqual(Array.from({ length: 24 - CHROME_ROWS }, (_, i) => `pod-${String(495 + i).padStart(4, '0')}`));
    expect(lines).toHaveLength(24);
    expect(lines.slice(2, 24 - CHROME_ROWS + 2).map((l) => l.slice(0, 10))).toEqual(Array.from({ length: 20 }, (_, i) => `${i === 5 ? '>' : ' '} pod-${String(495 + i).padStart(4, '0')}`));
    expect(lines.every((l) => [...l].length <= 79)).toBe(true);
  });

  it('says running with the time, the streamed tail under it, where it runs, breaker, peers and unconfined; colour only with a palette', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const rows = treeOrder([
      pod('main', { hostId: 'host_me', drivenBy: 'model', peers: [PodName.unsafe('pal')], breaker: [PodName.unsafe('pal')], unseenInput: 2, lastActivity: new Date(now - 125_000) }),
      child('kid', 'main'),
      pod('pal', { status: 'errored', unconfined: true, peers: [PodName.unsafe('main')], unseenInput: 64, unseenMayBeMore: true }),
    ]);
    const frame = { rows, selected: 0, top: 0, columns: 100, height: 10, total: 3, filter: '', footer: 'keys', hostId: 'host_me', now, palette: NO_COLOURS,
      live: (name: string) => (name === 'kid' ? { since: now - 12_000, text: 'first line\nthinking about it\n' } : undefined) };
    const lines = renderDash(frame);
    expect(lines[2]).toMatch(/^> main +idle +here +default +2 +2m +breaker: pal · ⇄ pal$/);
    expect(lines[3]).toMatch(/^ {2}└ kid +running 12s +— /);
    expect(lines[4]).toBe('      │ thinking about it');
    expect(lines[5]).toMatch(/^ {2}pal +errored +— +default +64\+ +— +unconfined · ⇄ main$/);
    expect(lines.join('\n')).not.toMatch(/\u001b/);
    expect(renderDash({ ...frame, palette: COLOURS }).join('\n')).toMatch(/\u001b\[32m {2}└ kid +running/);
  });

  it('reads keys from a chunk: arrows and other sequences whole, letters one by one', () => {
    expect(splitKeys('\u001b[Aj\u001b[6~\u001bOBq\r')).toEqual(['\u001b[A', 'j', '\u001b[6~', '\u001bOB', 'q', '\r']);
    expect(splitKeys('\u001b')).toEqual(['\u001b']);
  });
});
