import { setFlagsFromString } from 'node:v8';

let favored = false;

/**
 * For a command that reads a long stream a page at a time (`history`, `watch`, `ls --all`),
 * called when its command line is parsed, before the store's modules load: tells V8 to keep
 * the young generation at its starting size and to favor a small heap over speed. What such
 * a command keeps alive is one page (16–17 MiB of live heap after a full collection, at
 * 1,000 entries as at 200,000), but over a long stream V8 grows the young generation to its
 * maximum (three 16 MiB spaces) and lets the old one fill before collecting: 74 → 130 MiB of
 * peak RSS from 1,000 to 200,000 history entries. With these, 70 → 80 MiB, at the same speed
 * (docs/benchmarks.md). Both flags are read by V8 as it decides, so they work set at run time;
 * they must come before the young generation has grown.
 */
export function favorMemory(): void {
  if (favored) return;
  favored = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--optimize-for-size');
}
