const PRINTABLE = /^[\x20-\x7e]*$/;
const MAX_SHOWN = 80;

/**
 * Renders untrusted input for an error message without letting it inject lines or flood the
 * screen: at most 80 characters (then `…`), JSON-quoted when it holds anything but
 * printable ASCII.
 */
export function displayValue(raw: string): string {
  const clipped = raw.length > MAX_SHOWN ? raw.slice(0, MAX_SHOWN) : raw;
  const shown = PRINTABLE.test(clipped) ? clipped : JSON.stringify(clipped);
  return clipped === raw ? shown : `${shown}…`;
}
