import type { Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import prompts from 'prompts';

type Stdin = Readable & { readonly isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/**
 * A `select` picker that borrows the terminal from readline: readline is paused while
 * prompts owns stdin, and afterwards gets back the raw mode and the flowing stream that
 * prompts leaves switched off.
 */
export function promptsPicker(rl: Interface, stdin: Stdin, stdout: Writable) {
  return async (message: string, choices: readonly string[]): Promise<string | undefined> => {
    rl.pause();
    try {
      const answer = await prompts(
        { type: 'select', name: 'choice', message, choices: choices.map((c) => ({ title: c, value: c })), stdin, stdout },
        { onCancel: () => true },
      );
      const choice: unknown = answer['choice'];
      return typeof choice === 'string' ? choice : undefined;
    } finally {
      if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(true);
      rl.resume();
      stdin.resume();
    }
  };
}
