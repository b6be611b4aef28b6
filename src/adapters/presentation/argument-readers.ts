import { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';

// Words a person typed, read alike by `pods` arguments and options and by TUI colon commands.

export function podNameArg(raw: string): Result<PodName, string> {
  const parsed = PodName.parse(raw);
  return parsed.ok ? parsed : err(PodName.describe(parsed.error));
}

export function wholeNumber(label: string, raw: string, min: number): Result<number, string> {
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  return value >= min ? ok(value) : err(`${label} must be a whole number of at least ${min}, got ${JSON.stringify(raw)}`);
}
