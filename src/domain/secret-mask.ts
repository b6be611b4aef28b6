/** Names that hold credentials by convention: their values are never shown. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION/i;
const MASK = '••••';

/** A value as a view may show it: masked when its name says secret, and any URL's password hidden. */
export function maskedValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return value === '' ? '' : MASK;
  return withoutUrlPasswords(value);
}

/** `scheme://user:password@host` → `scheme://user:••••@host`, wherever it occurs in `text`. */
export function withoutUrlPasswords(text: string): string {
  // Bounded repeats: unbounded ones backtrack quadratically over a long run of letters.
  return text.replace(/([a-z][a-z0-9+.-]{0,31}:\/\/[^\s/:@]{0,256}:)[^\s/@]{1,256}@/gi, `$1${MASK}@`);
}

/** For text pods does not control; secrets under 4 characters are left: masking them garbles and protects nothing. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first: a secret inside another would otherwise leave the rest of the longer one showing.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret.length >= 4) out = out.split(secret).join(MASK);
  return withoutUrlPasswords(out);
}

/** `redactSecrets` on every string of a JSON-like value, keys too; each string as it is, so a secret JSON would escape is still found. */
export function redactSecretsIn(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactSecretsIn(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactSecrets(key, secrets), redactSecretsIn(item, secrets)]));
  }
  return value;
}
