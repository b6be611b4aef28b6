import { printable } from './printable.js';

/** Continuation lines of a multi-line text sit this far in, under their entry's header. */
export const CONTINUATION = '    ';

/**
 * Stored text as it was written, made safe: its own line breaks kept (`\r\n` and `\n`), each
 * line escaped as `printable` does (controls, escapes, bidi and the Unicode separators), a
 * tab as four spaces, trailing blank lines dropped. The first line goes after the header,
 * the others below it, indented; a blank line stays blank.
 */
export function printableLines(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((line) => printable(line.replace(/\t/g, '    ')));
  while (lines.length > 1 && lines.at(-1)!.trim() === '') lines.pop();
  return lines.map((line, i) => (i === 0 || line === '' ? line : `${CONTINUATION}${line}`)).join('\n');
}
