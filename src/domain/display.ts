const PRINTABLE = /^[\x20-\x7e]*$/;
const MAX_SHOWN = 80;

/** At most 80 characters, JSON-quoted unless printable ASCII, so untrusted input cannot inject lines or flood the screen. */
export function displayValue(raw: string): string {
  const clipped = raw.length > MAX_SHOWN ? raw.slice(0, MAX_SHOWN) : raw;
  const shown = PRINTABLE.test(clipped) ? clipped : JSON.stringify(clipped);
  return clipped === raw ? shown : `${shown}…`;
}
