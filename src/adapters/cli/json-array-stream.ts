import type { CliOutput } from './cli-output.js';

/**
 * Prints a JSON array one item at a time, byte for byte as `out.json(items)` would print the
 * whole array (`JSON.stringify(items, null, 2)`), so scripts see the same document while the
 * command holds one item at a time. `end()` closes it (`[]` when nothing came).
 */
export function jsonArrayStream(out: CliOutput): { readonly item: (value: unknown) => void; readonly end: () => void } {
  let held: string | undefined;
  let started = false;
  const indented = (value: unknown) => `  ${JSON.stringify(value, null, 2).replaceAll('\n', '\n  ')}`;
  return {
    item(value) {
      if (!started) out.line('[');
      started = true;
      if (held !== undefined) out.line(`${held},`);
      held = indented(value);
    },
    end() {
      if (held !== undefined) out.line(held);
      out.line(started ? ']' : '[]');
    },
  };
}
