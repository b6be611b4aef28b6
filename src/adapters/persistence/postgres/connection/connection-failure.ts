const NETWORK = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const MESSAGES = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed/i;

/**
 * Unreachable rather than refused: SQLSTATE class 08, 57P01–57P03, 53300 (a running process waits out a
 * full server as an outage, ADR 0023), or a socket error. A new process's first connection is not judged here.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isConnectionFailure);
  if (!(error instanceof Error)) return false;
  const code = 'code' in error ? String(error.code) : '';
  return NETWORK.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300' || MESSAGES.test(error.message);
}
