import type { Writable } from 'node:stream';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, Keyboard, type Stdin } from './keyboard.js';

/** Any key but `y` is no, so an operator backing out never creates anything; a paste answers nothing. */
export function askOnTerminal(stdin: Stdin, stdout: Writable): (question: string) => Promise<boolean> {
  return async (question) => {
    const keyboard = new Keyboard(stdin);
    const wasRaw = stdin.isRaw === true;
    stdin.setRawMode?.(true);
    try {
      return await keyboard.borrow(
        (keys) =>
          new Promise<boolean>((resolve) => {
            stdout.write(`${BRACKETED_PASTE_ON}${question} (y/N) `);
            keys.on('data', (chunk: Buffer | string) => {
              const key = chunk.toString();
              if ([...key].length > 1 && !key.startsWith('\u001b')) return;
              const yes = /^y$/i.test(key);
              stdout.write(`${yes ? 'y' : 'n'}\n${BRACKETED_PASTE_OFF}`);
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
