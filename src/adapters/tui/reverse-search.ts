import { clearScreenDown, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Keyboard } from './keyboard.js';
import type { TuiScreen } from './tui-screen.js';

export const CTRL_R = '\u0012';
const CTRL_G = '\u0007';
const CTRL_C = '\u0003';
const ESC = '\u001b';

/** It borrows the keyboard, so readline sees none of its keys; output waits meanwhile, as for a picker. */
export async function reverseSearch(keyboard: Keyboard, rl: Interface, output: Writable, screen: TuiScreen, history: () => readonly string[]): Promise<void> {
  screen.hold();
  // From the first row of the prompt, where the search line is drawn; readline is put back where it left the cursor.
  const rows = rl.getCursorPos().rows;
  moveCursor(output, 0, -rows);
  let chosen: string | undefined;
  try {
    chosen = await keyboard.borrow(
      (keys) =>
        new Promise<string | undefined>((resolve) => {
          let query = '';
          let at = -1;
          const lines = history();
          const find = (from: number): number => {
            for (let i = from; i < lines.length; i++) if ((lines[i] as string).includes(query)) return i;
            return -1;
          };
          let failed = false;
          const draw = (): void => {
            cursorTo(output, 0);
            clearScreenDown(output);
            output.write(`(${failed ? 'failed ' : ''}reverse-i-search)'${query}': ${at >= 0 ? lines[at] : ''}`);
          };
          const search = (from: number): void => {
            if (query === '') return;
            const found = find(from);
            failed = found < 0;
            if (!failed) at = found;
          };
          const key = (k: string): boolean => {
            if (k === '\r' || k === '\n' || (k.startsWith(ESC) && k.length > 1)) {
              resolve(at >= 0 ? lines[at] : undefined);
              return true;
            }
            if (k === ESC || k === CTRL_G || k === CTRL_C) {
              resolve(undefined);
              return true;
            }
            if (k === CTRL_R) search(at + 1);
            else if (k === '\u007f' || k === '\b') {
              query = query.slice(0, -1);
              at = -1;
              failed = false;
              search(0);
            } else if (k >= ' ') {
              query += k;
              search(Math.max(at, 0));
            }
            return false;
          };
          draw();
          keys.on('data', (chunk: Buffer | string) => {
            const text = chunk.toString();
            // An escape sequence (an arrow) is one key; anything else is a key per character.
            const parts = text.startsWith(ESC) ? [text] : [...text];
            for (const part of parts) if (key(part)) return;
            draw();
          });
        }),
    );
  } finally {
    cursorTo(output, 0);
    clearScreenDown(output);
    moveCursor(output, 0, rows);
    rl.prompt(true);
    screen.release();
  }
  if (chosen === undefined) return;
  rl.write(null, { ctrl: true, name: 'e' });
  rl.write(null, { ctrl: true, name: 'u' });
  rl.write(chosen);
}

export function enableReverseSearch(keyboard: Keyboard, rl: Interface, output: Writable, screen: TuiScreen, initial: readonly string[]): void {
  let lines = initial;
  rl.on('history', (history) => (lines = history));
  let searching = false;
  keyboard.onHotkey(CTRL_R, () => {
    if (searching) return;
    searching = true;
    void reverseSearch(keyboard, rl, output, screen, () => lines).finally(() => (searching = false));
  });
}
