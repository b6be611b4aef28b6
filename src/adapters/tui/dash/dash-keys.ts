/** A chunk of terminal input as keys: escape sequences whole (CSI, SS3, Alt+key), everything else by code point. */
export function splitKeys(chunk: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < chunk.length) {
    if (chunk[i] !== '\u001b' || i + 1 >= chunk.length) {
      const point = String.fromCodePoint(chunk.codePointAt(i)!);
      keys.push(point);
      i += point.length;
      continue;
    }
    if (chunk[i + 1] === '[') {
      let end = i + 2;
      while (end < chunk.length && !/[\u0040-\u007e]/.test(chunk[end]!)) end += 1;
      keys.push(chunk.slice(i, end + 1));
      i = end + 1;
    } else {
      // SS3 (`Esc O x`, arrows in application mode) takes three; Alt+key two.
      const length = chunk[i + 1] === 'O' && i + 2 < chunk.length ? 3 : 2;
      keys.push(chunk.slice(i, i + length));
      i += length;
    }
  }
  return keys;
}

export const KEY = {
  up: ['\u001b[A', '\u001bOA', 'k'],
  down: ['\u001b[B', '\u001bOB', 'j'],
  pageUp: ['\u001b[5~'],
  pageDown: ['\u001b[6~', ' '],
  home: ['\u001b[H', '\u001bOH', '\u001b[1~', 'g'],
  end: ['\u001b[F', '\u001bOF', '\u001b[4~', 'G'],
  enter: ['\r', '\n'],
  escape: ['\u001b'],
  interrupt: ['\u0003'],
  backspace: ['\u007f', '\b'],
} as const;

export const isKey = (key: string, which: readonly string[]): boolean => which.includes(key);
