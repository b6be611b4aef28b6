/** One line, no stack. Failures to `localhost` come as an empty AggregateError, so its first inner error speaks. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) return errorMessage(error.errors[0]);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const text = error instanceof Error ? error.message || code || error.name : String(error);
  return (text.split(/\r?\n/).find((line) => line.trim() !== '') ?? 'unknown error').trim();
}
