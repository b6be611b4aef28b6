import type { TextOutput } from '../presentation/text-output.js';

/**
 * Prints a JSON array a batch of items at a time, byte for byte as `out.json(items)` would
 * print the whole array (`JSON.stringify(items, null, 2)`), so scripts see the same document
 * while the command holds one batch. A batch is encoded as one array, whose inside is already
 * indented as the whole array's would be. `end()` closes it (`[]` when nothing came).
 */
export function jsonArrayStream(out: TextOutput): { readonly items: (values: readonly unknown[]) => void; readonly end: () => void } {
  let held: string | undefined; // the last batch, printed once it is known whether a comma follows
  return {
    items(values) {
      if (values.length === 0) return;
      if (held === undefined) out.line('[');
      else out.line(`${held},`);
      held = JSON.stringify(values, null, 2).slice(2, -2); // the inside, without "[\n" and "\n]"
    },
    end() {
      if (held === undefined) return out.line('[]');
      out.line(held);
      out.line(']');
    },
  };
}
