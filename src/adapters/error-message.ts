/**
 * One line about a thrown error, for stderr: no stack, no continuation lines. Connection
 * failures to `localhost` arrive as an AggregateError with an empty message (one per
 * address tried), so the first inner error speaks for them.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) return errorMessage(error.errors[0]);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const text = error instanceof Error ? error.message || code || error.name : String(error);
  return (text.split(/\r?\n/).find((line) => line.trim() !== '') ?? 'unknown error').trim();
}
