import type { PodOverview } from '../../../application/use-cases/overview-pods.js';
import type { PodName } from '../../../domain/pod-name.js';

export type DashRow = { readonly pod: PodOverview; readonly depth: number };

const byName = (x: PodOverview, y: PodOverview): number => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

/** A Pod whose parent is gone (removed) is a root. */
export function treeOrder(pods: Iterable<PodOverview>): DashRow[] {
  const all = [...pods].sort(byName);
  const names = new Set<PodName>(all.map((p) => p.name));
  const children = new Map<PodName, PodOverview[]>();
  const roots: PodOverview[] = [];
  for (const pod of all) {
    if (pod.parent !== undefined && names.has(pod.parent) && pod.parent !== pod.name) {
      const siblings = children.get(pod.parent);
      if (siblings) siblings.push(pod);
      else children.set(pod.parent, [pod]);
    } else {
      roots.push(pod);
    }
  }
  const rows: DashRow[] = [];
  const placed = new Set<PodName>();
  // Depth-first without recursion: a deep family must not overflow the stack.
  const stack: DashRow[] = roots.reverse().map((pod) => ({ pod, depth: 0 }));
  while (stack.length > 0) {
    const row = stack.pop()!;
    if (placed.has(row.pod.name)) continue;
    placed.add(row.pod.name);
    rows.push(row);
    const kids = children.get(row.pod.name) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ pod: kids[i]!, depth: row.depth + 1 });
  }
  return rows;
}

/** The rows whose name holds `filter` (case-insensitive), with their ancestors, so the tree still reads. */
export function filterRows(rows: readonly DashRow[], filter: string): readonly DashRow[] {
  if (filter === '') return rows;
  const wanted = filter.toLowerCase();
  const keep = new Set<number>();
  const ancestors: number[] = [];
  rows.forEach((row, i) => {
    ancestors.length = row.depth;
    if (row.pod.name.toLowerCase().includes(wanted)) {
      for (const a of ancestors) keep.add(a);
      keep.add(i);
    }
    ancestors[row.depth] = i;
  });
  return rows.filter((_row, i) => keep.has(i));
}
