/** What stays after a trim: trims (and their notices) come once per quarter budget of new text, not every step. */
export const KEEP_AFTER_TRIM = 0.75;

export type WindowEntry = {
  readonly size: number;
  /** Input with no tool call open before it: a request starting here has every call's result after its call. */
  readonly edge: boolean;
};

/** The newest turn always stays whole: when nothing fits, the request starts at the last edge; with no edge it does not trim. */
export function contextStart(entries: readonly WindowEntry[], budget: number): number | undefined {
  let total = 0;
  for (const entry of entries) total += entry.size;
  if (total <= budget) return undefined;
  const keep = budget * KEEP_AFTER_TRIM;
  let lastEdge: number | undefined;
  for (let i = 1; i < entries.length; i += 1) {
    total -= entries[i - 1]!.size;
    if (!entries[i]!.edge) continue;
    lastEdge = i;
    if (total <= keep) return i;
  }
  return lastEdge;
}
