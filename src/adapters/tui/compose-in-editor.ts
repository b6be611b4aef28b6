import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Interface } from 'node:readline';
import type { Writable } from 'node:stream';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, type Keyboard } from './keyboard.js';
import type { TuiScreen } from './tui-screen.js';

export type Composed =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'empty' }
  | { readonly type: 'failed'; readonly reason: string };

/** The host keeps renewing its leases meanwhile: the editor runs as a child, not blocking. */
export function composeInEditor(parts: { readonly editor: string; readonly keyboard: Keyboard; readonly rl: Interface; readonly screen: TuiScreen; readonly stdout: Writable }) {
  return async (): Promise<Composed> => {
    const { editor, keyboard, rl, screen, stdout } = parts;
    const dir = await mkdtemp(join(tmpdir(), 'pods-edit-'));
    const file = join(dir, 'message.txt');
    screen.hold();
    rl.pause();
    stdout.write(`${BRACKETED_PASTE_OFF}\n`);
    try {
      await writeFile(file, '', { mode: 0o600 });
      const status = await keyboard.lend(
        () =>
          new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
            // Through the shell, as git runs $EDITOR: the variable may hold arguments.
            const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
            child.once('error', resolve);
            child.once('exit', (code, signal) => resolve({ code, signal }));
          }),
      );
      if (status instanceof Error) return { type: 'failed', reason: `could not start \`${editor}\`: ${status.message}` };
      if (status.code !== 0) return { type: 'failed', reason: `\`${editor}\` exited with ${status.signal ?? `status ${status.code}`}` };
      const text = (await readFile(file, 'utf8')).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
      return text.trim() === '' ? { type: 'empty' } : { type: 'text', text };
    } finally {
      await rm(dir, { recursive: true, force: true });
      stdout.write(BRACKETED_PASTE_ON);
      rl.resume();
      screen.release();
    }
  };
}
