import { printable } from './printable.js';

export const CONTINUATION = '    ';

/** Own line breaks kept, each line escaped as `printable` does, a tab as four spaces, trailing blank lines dropped. */
export function printableLines(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((line) => printable(line.replace(/\t/g, '    ')));
  while (lines.length > 1 && lines.at(-1)!.trim() === '') lines.pop();
  return lines.map((line, i) => (i === 0 || line === '' ? line : `${CONTINUATION}${line}`)).join('\n');
}
