import type { PodName } from '../../domain/pod-name.js';
import { oneLine } from '../presentation/printable.js';
import { NO_COLOURS, type Palette } from './palette.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Rows of streamed text kept in view; the committed reply is printed whole. */
export const STREAM_ROWS = 8;

export type PodWhere = 'here' | 'stopped' | { readonly hostId: string | undefined };

export type StatusFacts = {
  readonly pod: PodName;
  readonly where: PodWhere;
  readonly turnMs?: number;
  readonly unseenPeerMessages: number;
  /** The count is of the newest entries only (the history was read back so far, not to its watermark). */
  readonly unseenAtLeast?: boolean;
  readonly unconfined?: boolean;
};

export type LiveFacts = {
  readonly streamed: string;
  readonly tools: readonly { readonly tool: string; readonly ms: number; readonly outcome?: string }[];
  readonly status: StatusFacts;
  readonly frame: number;
  readonly columns: number;
  /** Tool rows and the status line are coloured; streamed text never is. */
  readonly palette?: Palette;
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function fit(text: string, width: number): string {
  const points = [...text];
  return points.length <= width ? text : `${points.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export const shortHost = (hostId: string): string => (/^host_[0-9a-f]{8}-/.test(hostId) ? `${hostId.slice(0, 13)}…` : hostId);

/** The status line: `── main · runs here · ⠋ turn 2.1s · 1 peer message not seen yet` (`── main · unconfined · …` for an agent with no sandbox). */
export function statusLine(facts: StatusFacts, frame: number): string {
  const { pod, where, turnMs, unseenPeerMessages: n } = facts;
  const place = where === 'here' ? 'runs here' : where === 'stopped' ? 'viewing; stopped' : `viewing; runs on ${where.hostId === undefined ? 'another host' : `host ${shortHost(where.hostId)}`}`;
  const turn = turnMs === undefined ? 'idle' : `${FRAMES[frame % FRAMES.length]} turn ${seconds(turnMs)}`;
  const waiting = n === 0 ? '' : ` · ${n}${facts.unseenAtLeast ? ' or more' : ''} peer message${n === 1 && !facts.unseenAtLeast ? '' : 's'} not seen yet`;
  return `── ${pod}${facts.unconfined ? ' · unconfined' : ''} · ${place} · ${turn}${waiting}`;
}

/** The last column stays free so no terminal wraps early; model text is made safe (`oneLine`). */
export function liveRows(facts: LiveFacts): string[] {
  const width = Math.max(20, facts.columns - 1);
  const spin = FRAMES[facts.frame % FRAMES.length];
  const rows: string[] = [];
  const text = facts.streamed.replace(/^\s*\n/, '');
  if (text.trim() !== '') {
    const wrapped = text.split('\n').flatMap((paragraph) => chunks([...oneLine(paragraph)], width - 2));
    const kept = wrapped.slice(-STREAM_ROWS);
    rows.push(...kept.map((row, i) => `${i === 0 && kept.length < wrapped.length ? '…' : '│'} ${row}`));
  }
  const p = facts.palette ?? NO_COLOURS;
  for (const t of facts.tools) {
    rows.push(p.tool(fit(t.outcome === undefined ? `${spin} ${oneLine(t.tool)} running ${seconds(t.ms)}` : `· ${oneLine(t.tool)} → ${t.outcome}`, width)));
  }
  rows.push(p.status(fit(statusLine(facts.status, facts.frame), width)));
  return rows;
}

function chunks(points: readonly string[], width: number): string[] {
  if (points.length === 0) return [''];
  const rows: string[] = [];
  for (let i = 0; i < points.length; i += width) rows.push(points.slice(i, i + width).join(''));
  return rows;
}
