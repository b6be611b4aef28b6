import { err, ok, type Result } from '../../../domain/result.js';
import { wholeNumber } from '../../presentation/argument-readers.js';

export const DEFAULT_HISTORY_COUNT = 20;
/** At most this many in one go: each is read and held at once (up to 64 KiB apiece); `pods history` streams a whole history. */
export const MAX_HISTORY_COUNT = 1000;

export function historyCount(raw: string | undefined): Result<number, string> {
  if (raw === undefined) return ok(DEFAULT_HISTORY_COUNT);
  const count = wholeNumber('n', raw, 1);
  if (!count.ok || count.value <= MAX_HISTORY_COUNT) return count;
  return err(`n must be at most ${MAX_HISTORY_COUNT}, got ${JSON.stringify(raw)}; \`:older\` pages back from there, \`pods history NAME\` prints a whole history`);
}
