const BREAKS = /[\s\u0000-\u001f\u007f-\u009f]+/g;

/** Untrusted text (a server's reply) as one short line, so an error message stays one line. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(BREAKS, ' ').trim();
  if (line === '') return '(empty body)';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
