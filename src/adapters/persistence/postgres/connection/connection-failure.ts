const NETWORK = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const MESSAGES = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed/i;

/** Unreachable, not refused: class 08, 57P01–57P03, 53300 (waited out as an outage, ADR 0023) or a socket error. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isConnectionFailure);
  if (!(error instanceof Error)) return false;
  const code = 'code' in error ? String(error.code) : '';
  return NETWORK.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300' || MESSAGES.test(error.message);
}
