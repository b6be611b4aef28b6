import type { PodOverview } from '../../../application/use-cases/overview-pods.js';
import { oneLine } from '../../presentation/printable.js';
import { fit } from '../live-rows.js';
import type { LiveTurn } from '../live-turns.js';
import type { Palette } from '../palette.js';
import type { DashRow } from './dash-rows.js';

export type DashFrame = {
  readonly rows: readonly DashRow[];
  readonly selected: number;
  readonly top: number;
  readonly columns: number;
  readonly height: number;
  readonly total: number;
  readonly filter: string;
  readonly footer: string;
  readonly live: (pod: PodOverview['name']) => LiveTurn | undefined;
  readonly hostId: string;
  readonly now: number;
  readonly palette: Palette;
};

export const KEYS_LINE = '↑↓/jk select · Enter open · s send a line · / filter · ? help · q quit';
export const CHROME_ROWS = 4;

const ago = (ms: number): string =>
  ms < 60_000 ? `${Math.max(0, Math.floor(ms / 1000))}s` : ms < 3_600_000 ? `${Math.floor(ms / 60_000)}m` : ms < 172_800_000 ? `${Math.floor(ms / 3_600_000)}h` : `${Math.floor(ms / 86_400_000)}d`;
const pad = (text: string, width: number): string => {
  const cut = fit(text, width);
  return cut + ' '.repeat(Math.max(0, width - [...cut].length));
};

/** A count read from a bounded tail says so: "64+" when older input may wait too. */
const unseen = (pod: PodOverview): string => (pod.unseenInput === 0 ? '' : `${pod.unseenInput}${pod.unseenMayBeMore ? '+' : ''}`);

export const linesOf = (row: DashRow, live: DashFrame['live']): number => (tailOf(live(row.pod.name)) === undefined ? 1 : 2);

export function renderDash(frame: DashFrame): string[] {
  const { palette: p, columns } = frame;
  const width = Math.max(40, columns - 1);
  const nameWidth = Math.max(12, Math.min(32, Math.floor(width * 0.26)));
  const lines: string[] = [];
  const running = frame.rows.filter((r) => frame.live(r.pod.name) !== undefined).length;
  const shown = frame.filter === '' ? `${frame.total} Pods` : `${frame.rows.length} of ${frame.total} Pods matching "${oneLine(frame.filter)}"`;
  lines.push(p.bold(fit(`pods dash · ${shown} · ${running} running`, width)));
  lines.push(p.status(fit(`  ${pad('NAME', nameWidth)} ${pad('STATUS', 13)} ${pad('WHERE', 9)} ${pad('PROFILE', 10)} ${pad('UNSEEN', 6)} ${pad('LAST', 5)} NOTES`, width)));
  const body = frame.height - CHROME_ROWS;
  for (let i = frame.top; i < frame.rows.length && lines.length - 2 < body; i++) {
    const row = frame.rows[i]!;
    const turn = frame.live(row.pod.name);
    const text = rowText(row, turn, frame, nameWidth, width);
    lines.push(i === frame.selected ? p.selected(text) : paintStatus(text, row.pod, turn, p));
    const tail = tailOf(turn);
    if (tail !== undefined && lines.length - 2 < body) lines.push(p.status(fit(`${' '.repeat(4 + row.depth * 2)}│ ${tail}`, width)));
  }
  while (lines.length - 2 < body) lines.push('');
  const chosen = frame.rows[frame.selected];
  lines.push(p.status(fit(chosen ? detail(chosen.pod) : frame.total === 0 ? 'no Pods in the store yet: `pods create NAME` makes one' : 'no Pod matches the filter', width)));
  lines.push(fit(frame.footer, width));
  return lines;
}

function rowText(row: DashRow, turn: LiveTurn | undefined, frame: DashFrame, nameWidth: number, width: number): string {
  const { pod } = row;
  const marker = row.depth === 0 ? '' : `${'  '.repeat(row.depth - 1)}└ `;
  // The events say whether it runs: a lease read as running after its turn ended is old news.
  const status = turn !== undefined ? `running ${ago(frame.now - turn.since)}` : pod.status === 'running' ? 'idle' : pod.status;
  const where = pod.hostId === undefined ? '—' : pod.hostId === frame.hostId ? 'here' : pod.drivenBy === 'mcp' ? 'mcp' : pod.hostId.replace(/^host_/, '').slice(0, 8);
  const notes = [
    pod.unconfined ? 'unconfined' : '',
    pod.breaker.length > 0 ? `breaker: ${pod.breaker.join(',')}` : '',
    pod.peers.length > 0 ? `⇄ ${pod.peers.join(',')}` : '',
    pod.overdue ? 'host overdue' : '',
  ].filter((n) => n !== '').join(' · ');
  const last = pod.lastActivity === undefined ? '—' : ago(frame.now - pod.lastActivity.getTime());
  const selectedMark = frame.rows[frame.selected]?.pod.name === pod.name ? '>' : ' ';
  return fit(`${selectedMark} ${pad(`${marker}${pod.name}`, nameWidth)} ${pad(status, 13)} ${pad(where, 9)} ${pad(pod.profile, 10)} ${pad(unseen(pod), 6)} ${pad(last, 5)} ${notes}`, width);
}

function paintStatus(text: string, pod: PodOverview, turn: LiveTurn | undefined, p: Palette): string {
  if (turn !== undefined) return p.running(text);
  if (pod.status === 'errored') return p.errored(text);
  if (pod.status === 'stopped') return p.stopped(text);
  return pod.unconfined || pod.breaker.length > 0 ? p.warning(text) : text;
}

function tailOf(turn: LiveTurn | undefined): string | undefined {
  const line = turn?.text.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1);
  return line === undefined ? undefined : oneLine(line);
}

function detail(pod: PodOverview): string {
  const origin = pod.parent === undefined ? 'made by the operator' : `child of ${pod.parent}`;
  const host = pod.hostId === undefined ? 'no host runs it' : `host ${pod.hostId}${pod.drivenBy === 'mcp' ? ' (an agent over MCP)' : ''}`;
  return `${pod.name}: ${origin}; ${host}; profile ${pod.profile}${pod.peers.length > 0 ? `; peers ${pod.peers.join(', ')}` : ''}`;
}
