import type { Writable } from 'node:stream';
import { Keyboard, type Stdin } from './keyboard.js';

/**
 * A y/N question on the terminal, before the TUI starts: the keyboard is lent to it alone,
 * in raw mode, and one key answers. `y` is yes; anything else (Enter, `n`, Esc, Ctrl+C,
 * Ctrl+D) is no, so an operator backing out never creates anything.
 */
export function askOnTerminal(stdin: Stdin, stdout: Writable): (question: string) => Promise<boolean> {
  return async (question) => {
    const keyboard = new Keyboard(stdin);
    const wasRaw = stdin.isRaw === true;
    stdin.setRawMode?.(true);
    try {
      return await keyboard.borrow(
        (keys) =>
          new Promise<boolean>((resolve) => {
            stdout.write(`${question} (y/N) `);
            keys.on('data', (chunk: Buffer | string) => {
              const yes = /^y/i.test(chunk.toString());
              stdout.write(`${yes ? 'y' : 'n'}\n`);
              resolve(yes);
            });
          }),
      );
    } finally {
      stdin.setRawMode?.(wasRaw);
      keyboard.close();
    }
  };
}
