// C0/C1 controls, and the bidi and line-separator characters that can make a terminal
// show text other than what is stored.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** History bodies come from models and peers: they must not break the one-line layout or smuggle in escapes. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => NAMED[ch] ?? `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
}

/** Text shown in passing (a prompt), not stored: each of the same characters becomes a space. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, ' ');
}
