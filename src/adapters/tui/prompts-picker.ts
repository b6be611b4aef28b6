import type { Writable } from 'node:stream';
import prompts from 'prompts';
import type { Keyboard } from './keyboard.js';

/**
 * A `select` picker that borrows the keyboard: while it is open every key goes to prompts
 * and none to readline, so arrows walk no line history, letters land in no prompt and the
 * Enter that picks submits no line. Esc and Ctrl+C close it with nothing picked.
 */
export function promptsPicker(keyboard: Keyboard, stdout: Writable) {
  return (message: string, choices: readonly string[]): Promise<string | undefined> =>
    keyboard.borrow(async (stdin) => {
      const answer = await prompts(
        { type: 'select', name: 'choice', message, choices: choices.map((c) => ({ title: c, value: c })), stdin, stdout },
        { onCancel: () => true },
      );
      const choice: unknown = answer['choice'];
      return typeof choice === 'string' ? choice : undefined;
    });
}
