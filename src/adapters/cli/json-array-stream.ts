import type { TextOutput } from '../presentation/text-output.js';

/** Byte for byte as `out.json(items)` would print the whole array, while the command holds one batch. */
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
