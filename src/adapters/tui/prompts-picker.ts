import type { Writable } from 'node:stream';
import prompts from 'prompts';
import type { Keyboard } from './keyboard.js';

/** Every key goes to prompts and none to readline while it is open, so the Enter that picks submits no line. */
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
