/** An error's `code` (a Node errno name, a PostgreSQL SQLSTATE), as text; undefined when it has none. */
export const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

/** One line, no stack. Failures to `localhost` come as an empty AggregateError, so its first inner error speaks. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) return errorMessage(error.errors[0]);
  const code = codeOf(error) ?? '';
  const text = error instanceof Error ? error.message || code || error.name : String(error);
  return (text.split(/\r?\n/).find((line) => line.trim() !== '') ?? 'unknown error').trim();
}
