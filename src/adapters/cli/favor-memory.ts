import { setFlagsFromString } from 'node:v8';

let favored = false;

/**
 * For a command that reads a long stream a page at a time: keeps V8's young generation small and favors
 * a small heap, since V8 otherwise grows it over a long stream (74 → 130 MiB peak RSS from 1,000 to
 * 200,000 entries; with these, 70 → 80 MiB at the same speed: docs/benchmarks.md). Must run before
 * the young generation has grown.
 */
export function favorMemory(): void {
  if (favored) return;
  favored = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
}
