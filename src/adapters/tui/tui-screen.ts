import { clearScreenDown, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { TextOutput } from '../presentation/text-output.js';
import { NO_COLOURS, type Palette } from './palette.js';

/** Where the TUI writes: lines in order, diagnostics marked, and a prompt when there is a terminal. */
export type TuiScreen = {
  readonly palette: Palette;
  readonly line: (text: string) => void;
  readonly warn: (text: string) => void;
  readonly setPrompt: (text: string) => void;
  /** Redrawn in place between output and prompt; nothing in it is history. Lines must each fit one row. */
  readonly live: (lines: readonly string[]) => void;
  readonly eraseEntered: () => void;
  /** While a picker owns the terminal, lines wait; `release` prints them. */
  readonly hold: () => void;
  readonly release: () => void;
};

const LIVE_REDRAW_MS = 15;

/** Each line is written where the prompt is and the half-typed input redrawn below, so output never mangles typing. */
export function terminalScreen(rl: Interface, output: Writable, palette: Palette = NO_COLOURS): TuiScreen {
  let held: string[] | undefined;
  let closed = false;
  let block: readonly string[] = [];
  let drawn = 0;
  /** The line just entered, which readline left on the screen below the block; `keep`: it stays output. */
  let entered: { readonly text: string; readonly rows: number; readonly keep: boolean } | undefined;
  let pending: NodeJS.Timeout | undefined;
  const columns = (): number => ('columns' in output && typeof output.columns === 'number' && output.columns > 0 ? output.columns : Infinity);
  // Code points undercount wide characters: at worst some echo stays, no output is lost.
  const rowsOf = (text: string): number => Math.floor([...text].length / columns()) + 1; // readline's own row count
  rl.once('close', () => {
    closed = true;
    clearTimeout(pending);
  });
  rl.prependListener('line', (typed: string) => {
    const text = `${rl.getPrompt()}${typed}`;
    entered = { text, rows: rowsOf(text), keep: true };
  });
  // Everything from the top of the live block down is drawn again: a line entered since,
  // the output, then `below` (the block, or nothing) and the prompt with what is being typed.
  const draw = (text: string | undefined, below: readonly string[], prompt: boolean): void => {
    clearTimeout(pending);
    pending = undefined;
    moveCursor(output, 0, -(rl.getCursorPos().rows + (entered?.rows ?? 0) + drawn));
    cursorTo(output, 0);
    clearScreenDown(output);
    const lines = [...(entered?.keep ? [entered.text] : []), ...(text === undefined ? [] : [text]), ...below];
    output.write(lines.map((line) => `${line}\n`).join(''));
    entered = undefined;
    drawn = below.length;
    if (prompt) rl.prompt(true);
  };
  const redraw = (text: string | undefined): void => draw(text, closed ? [] : block, !closed);
  const write = (text: string): void => {
    if (held) held.push(text);
    else redraw(text);
  };
  return {
    palette,
    line: write,
    warn: (text) => write(palette.refusal(`! ${text}`)),
    setPrompt: (text) => {
      rl.setPrompt(text);
      if (!held && !closed) rl.prompt(true);
    },
    live: (lines) => {
      if (lines.length === block.length && lines.every((line, i) => line === block[i])) return;
      block = [...lines];
      // Deltas arrive in bursts: one redraw per burst, soon enough to read as it streams.
      if (!held && !closed) pending ??= setTimeout(() => redraw(undefined), LIVE_REDRAW_MS);
    },
    eraseEntered: () => {
      if (held || closed || !entered) return;
      entered = { ...entered, keep: false };
      redraw(undefined);
    },
    hold: () => {
      if (held) return;
      // What takes the terminal draws below what is output now: the block goes (it comes
      // back on release), a line just entered stays.
      if (!closed) draw(undefined, [], false);
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const text of waiting) write(text);
      // The block may have changed while it waited.
      if (waiting.length === 0 && !closed) redraw(undefined);
    },
  };
}

export function plainScreen(out: TextOutput): TuiScreen {
  return {
    palette: NO_COLOURS,
    line: out.line,
    warn: out.fail,
    setPrompt: () => undefined,
    live: () => undefined,
    eraseEntered: () => undefined,
    hold: () => undefined,
    release: () => undefined,
  };
}
