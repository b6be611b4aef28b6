import { setFlagsFromString } from 'node:v8';

let favored = false;

/**
 * V8 otherwise grows the young generation over a long stream: 74 → 130 MiB peak RSS, with these 70 → 80 MiB
 * (docs/benchmarks.md). Must run before the young generation has grown.
 */
export function favorMemory(): void {
  if (favored) return;
  favored = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
}
