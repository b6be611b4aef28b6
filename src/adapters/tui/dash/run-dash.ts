import type { Readable, Writable } from 'node:stream';
import type { PodsApp } from '../../../application/pods-app.js';
import type { PodOverview } from '../../../application/use-cases/overview-pods.js';
import { describePodNotFound } from '../../../application/errors.js';
import { watch } from '../../../application/watcher.js';
import { MessageBody } from '../../../domain/message-body.js';
import type { PodName } from '../../../domain/pod-name.js';
import { errorMessage } from '../../error-message.js';
import { LiveTurns } from '../live-turns.js';
import type { Palette } from '../palette.js';
import { filterRows, treeOrder, type DashRow } from './dash-rows.js';
import { isKey, KEY, splitKeys } from './dash-keys.js';
import { HELP_LINES, promptKey, type DashPrompt } from './dash-prompt.js';
import { DashScreen } from './dash-screen.js';
import { CHROME_ROWS, KEYS_LINE, linesOf, renderDash } from './render-dash.js';

export type DashOutcome = { readonly type: 'quit' } | { readonly type: 'open'; readonly pod: PodName };

export type DashParts = {
  readonly app: Pick<PodsApp, 'events' | 'overviewPods' | 'submitOperatorInput' | 'hostId'>;
  readonly keys: Readable;
  readonly output: Writable & { readonly columns?: number; readonly rows?: number };
  readonly palette: Palette;
  /** How often everything is read again anyway (a lease that expired is announced by nobody). */
  readonly refreshMs: number;
  readonly painted?: () => void;
  readonly select?: PodName;
};

/** A commit re-reads the Pods it changed in one statement; only the rows that fit are drawn. */
export async function runDash(parts: DashParts): Promise<DashOutcome> {
  const { app, palette } = parts;
  const pods = new Map<PodName, PodOverview>();
  let rows: readonly DashRow[] = [];
  let filter = '';
  let chosen: PodName | undefined = parts.select;
  let top = 0;
  let prompt: DashPrompt | undefined;
  let help = false;
  let message = '';
  const turns: LiveTurns = new LiveTurns(app.events, () => screen.soon());
  const screen = new DashScreen(parts.output, () => draw(), () => rows.some((r) => turns.running(r.pod.name)));
  const reorder = (): void => {
    rows = filterRows(treeOrder(pods.values()), filter);
  };
  const reload = async (among: readonly PodName[] | undefined): Promise<void> => {
    const readAt = Date.now();
    const read = await app.overviewPods.execute(among ? { among } : {});
    // From here on, whether a Pod runs is what its turn's events say (they are newer than any lease read).
    for (const pod of read) if (pod.status === 'running') turns.assume(pod.name, readAt);
    if (!among) pods.clear();
    for (const name of among ?? []) pods.delete(name); // a removed Pod comes back as nothing
    for (const pod of read) pods.set(pod.name, pod);
    reorder();
    screen.soon();
  };
  const watching = watch<PodName>(app.events, {
    pick: (event) => (event.type === 'committed' ? event.pod : undefined),
    look: (among, all) => reload(all ? undefined : [...among]),
    everyMs: parts.refreshMs,
    lookFirst: false,
    failed: (error) => void ((message = `could not read the store: ${errorMessage(error)}`), screen.soon()),
  });
  const selectedIndex = (): number => Math.max(0, chosen === undefined ? 0 : rows.findIndex((r) => r.pod.name === chosen));
  function draw(): string[] {
    const height = parts.output.rows ?? 24;
    const columns = parts.output.columns ?? 80;
    if (help) return [...HELP_LINES, ...Array<string>(Math.max(0, height - HELP_LINES.length)).fill('')].slice(0, height);
    const selected = selectedIndex();
    top = scrolled(rows, selected, top, height - CHROME_ROWS, (row) => linesOf(row, (pod) => turns.get(pod)));
    const footer = prompt ? `${prompt.label}${prompt.text}▏` : message !== '' ? message : KEYS_LINE;
    return renderDash({ rows, selected, top, columns, height, total: pods.size, filter, footer, live: (pod) => turns.get(pod), hostId: app.hostId, now: Date.now(), palette });
  }
  const move = (by: number): void => {
    const next = Math.min(rows.length - 1, Math.max(0, selectedIndex() + by));
    chosen = rows[next]?.pod.name;
  };
  try {
    await reload(undefined);
    screen.open();
    parts.painted?.();
    watching.looks.kick(); // anything committed while the first read ran
    return await new Promise<DashOutcome>((resolve) => {
      const ask = (label: string, done: (text: string | undefined) => void): void => {
        prompt = { label, text: '', done: (text) => ((prompt = undefined), done(text)) };
      };
      const onKey = (key: string): void => {
        message = '';
        if (help) return void (help = false);
        if (prompt) return void promptKey(prompt, key);
        const pod = rows[selectedIndex()]?.pod.name;
        if (key === 'q' || isKey(key, KEY.interrupt)) return resolve({ type: 'quit' });
        if (isKey(key, KEY.up)) move(-1);
        else if (isKey(key, KEY.down)) move(1);
        else if (isKey(key, KEY.pageUp)) move(-(screen.height - CHROME_ROWS));
        else if (isKey(key, KEY.pageDown)) move(screen.height - CHROME_ROWS);
        else if (isKey(key, KEY.home)) move(-rows.length);
        else if (isKey(key, KEY.end)) move(rows.length);
        else if (key === '?') help = true;
        else if (key === '/') ask('filter by name: ', (text) => ((filter = text ?? filter), reorder()));
        else if (isKey(key, KEY.enter) && pod !== undefined) resolve({ type: 'open', pod });
        else if (key === 's' && pod !== undefined) ask(`send to \`${pod}\`: `, (text) => void (text ? send(pod, text) : undefined));
      };
      const send = async (pod: PodName, text: string): Promise<void> => {
        const body = MessageBody.parse(text);
        if (!body.ok) return void ((message = `not sent: the message ${MessageBody.describe(body.error)}`), screen.soon());
        try {
          const sent = await app.submitOperatorInput.execute({ pod, text: body.value });
          message = sent.ok ? `sent to \`${pod}\` as #${sent.value.entry.seq}${sent.value.deliveredTo === 'stopped' ? '; no host runs it: it waits in its history' : ''}` : describePodNotFound(sent.error);
        } catch (error) {
          message = `not sent: ${errorMessage(error)}`;
        }
        screen.soon();
      };
      parts.keys.on('data', (chunk: Buffer | string) => {
        for (const key of splitKeys(chunk.toString())) onKey(key);
        screen.soon();
      });
      parts.keys.once('end', () => resolve({ type: 'quit' }));
    });
  } finally {
    parts.keys.removeAllListeners('data');
    await watching.stop();
    turns.close();
    screen.close();
  }
}

function scrolled(rows: readonly DashRow[], selected: number, top: number, body: number, height: (row: DashRow) => number): number {
  let first = Math.min(top, selected);
  let used = 0;
  for (let i = first; i <= selected && i < rows.length; i++) used += height(rows[i]!);
  while (used > body && first < selected) used -= height(rows[first++]!);
  return Math.max(0, first);
}
