/** The sslmodes node-postgres reads as `verify-full` (unless `uselibpqcompat=true`), warning at length on every start. */
const READ_AS_VERIFY_FULL = new Set(['prefer', 'require', 'verify-ca']);

/**
 * An sslmode pg reads as `verify-full` is asked for as `verify-full` outright: the same connection,
 * without pg's 7-line warning on stderr.
 */
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
