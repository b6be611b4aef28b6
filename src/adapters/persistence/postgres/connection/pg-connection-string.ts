/** The sslmodes node-postgres reads as `verify-full` (unless `uselibpqcompat=true`), warning at length on every start. */
const READ_AS_VERIFY_FULL = new Set(['prefer', 'require', 'verify-ca']);

/**
 * The connection string pg is given for `url`: the same, except that an sslmode pg treats
 * as `verify-full` is asked for as `verify-full` outright. The connection is the one pg would
 * make (the server's certificate is verified), without its 7-line library warning on stderr.
 * `uselibpqcompat=true` (libpq's weaker meanings) is left to pg, as is anything unparsable.
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
