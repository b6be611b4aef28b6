/**
 * What a model request may hold of a Pod's history: its newest entries, as many as fit a
 * budget (in characters of the rendered transcript), starting at a turn's edge. When the
 * entries in the request outgrow the budget, the oldest leave until what stays fits
 * `KEEP_AFTER_TRIM` of it, so a trim (and its notice) happens once per quarter budget of new
 * text, not at every step.
 */
export const KEEP_AFTER_TRIM = 0.75;

/** One entry of the request as the policy sees it: its size, and whether a request may start at it. */
export type WindowEntry = {
  readonly size: number;
  /**
   * Input (user input, a peer message, a child event, a notice) with no tool call open before
   * it: a request that starts here has every call's result after its call.
   */
  readonly edge: boolean;
};

/**
 * Where the request should start now, as an index into `entries` (the entries it holds), or
 * undefined while they fit `budget`. The newest turn always stays whole: when nothing fits,
 * the request starts at the last edge, and at no edge it does not trim at all.
 */
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
