/** The sslmodes node-postgres reads as `verify-full` (unless `uselibpqcompat=true`), warning at length on every start. */
const READ_AS_VERIFY_FULL = new Set(['prefer', 'require', 'verify-ca']);

/** Asks for `verify-full` outright where pg reads the sslmode so anyway: the same connection, without its warning. */
export function pgConnectionString(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const mode = parsed.searchParams.get('sslmode');
  if (mode === null || !READ_AS_VERIFY_FULL.has(mode) || parsed.searchParams.get('uselibpqcompat') === 'true') return url;
  parsed.searchParams.set('sslmode', 'verify-full');
  return parsed.toString();
}
