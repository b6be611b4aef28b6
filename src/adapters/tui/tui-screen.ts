import { clearScreenDown, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { CliOutput } from '../cli/cli-output.js';

/** Where the TUI writes: lines in order, diagnostics marked, and a prompt when there is a terminal. */
export type TuiScreen = {
  /** One line of output; on a terminal it goes above the prompt and what is being typed. */
  readonly line: (text: string) => void;
  /** A diagnostic or refusal, one line. */
  readonly warn: (text: string) => void;
  readonly setPrompt: (text: string) => void;
  /**
   * Removes the terminal's echo of a line just entered, for input that is shown once
   * history holds it.
   */
  readonly eraseEntered: (typed: string) => void;
  /** While a picker owns the terminal, lines wait; `release` prints them. */
  readonly hold: () => void;
  readonly release: () => void;
};

/**
 * A terminal: each line is written where the prompt is, then the prompt and the operator's
 * half-typed input are drawn again below it, so output never mangles what they type.
 */
export function terminalScreen(rl: Interface, output: Writable): TuiScreen {
  let held: string[] | undefined;
  let closed = false;
  rl.once('close', () => (closed = true));
  const write = (text: string): void => {
    if (held) {
      held.push(text);
      return;
    }
    moveCursor(output, 0, -rl.getCursorPos().rows);
    cursorTo(output, 0);
    clearScreenDown(output);
    output.write(`${text}\n`);
    if (!closed) rl.prompt(true);
  };
  return {
    line: write,
    warn: (text) => write(`! ${text}`),
    setPrompt: (text) => {
      rl.setPrompt(text);
      if (!held && !closed) rl.prompt(true);
    },
    eraseEntered: (typed) => {
      if (held || closed) return;
      // Code points undercount wide characters: at worst some echo stays, no output is lost.
      const columns = 'columns' in output && typeof output.columns === 'number' && output.columns > 0 ? output.columns : Infinity;
      const rows = Math.floor([...`${rl.getPrompt()}${typed}`].length / columns) + 1; // readline's own row count
      moveCursor(output, 0, -rows);
      cursorTo(output, 0);
      clearScreenDown(output);
    },
    hold: () => (held ??= []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const text of waiting) write(text);
    },
  };
}

/** A pipe: plain lines on stdout, diagnostics on stderr, no prompt and no control sequences. */
export function plainScreen(out: CliOutput): TuiScreen {
  return {
    line: out.line,
    warn: out.fail,
    setPrompt: () => undefined,
    eraseEntered: () => undefined,
    hold: () => undefined,
    release: () => undefined,
  };
}
