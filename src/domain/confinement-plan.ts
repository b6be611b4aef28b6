import { AbsolutePath } from './absolute-path.js';
import { accessAt, type Access, type Confinement } from './confinement.js';
import { ScopeRule } from './scope-rule.js';

/** `none`: an empty read-only directory hides what is there. A mount covers everything below it no later mount covers. */
export type Mount = { readonly path: AbsolutePath; readonly access: Access };

/** Parents before anything below them, so the deepest mount decides; `limits` says what mounts cannot express. */
export type ConfinementPlan = { readonly mounts: readonly Mount[]; readonly limits: readonly string[] };

/** What `path`'s own mount gives its contents: no real entry is called NUL, so no rule can target it. */
const anyChildOf = (path: AbsolutePath): AbsolutePath => AbsolutePath.unsafe(`${path === '/' ? '' : path}/\0`);

const depthOf = (path: AbsolutePath): number => (path === '/' ? 0 : path.split('/').length - 1);
const byDepthThenName = (a: AbsolutePath, b: AbsolutePath): number => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0);

/** Access changes only at rule targets, special paths and a non-recursive rule's subdirectories (real ones, at start). */
export function confinementPlan(
  c: Confinement,
  subdirectoriesOf: (target: AbsolutePath) => readonly AbsolutePath[],
): ConfinementPlan {
  const rules = [...c.scope.grants, ...c.scope.lentWrite];
  const nonRecursive = rules.filter((r) => !r.recursive);
  const subdirectories = new Set<AbsolutePath>();
  for (const rule of nonRecursive) {
    for (const dir of subdirectoriesOf(rule.target)) if (AbsolutePath.isDirectChild(dir, rule.target)) subdirectories.add(dir);
  }
  const points = new Set<AbsolutePath>([AbsolutePath.unsafe('/'), ...rules.map((r) => r.target), ...c.readOnly, ...c.withheld, ...subdirectories]);
  if (c.stateDirectory) points.add(c.stateDirectory);

  const mounts: Mount[] = [];
  for (const path of [...points].sort(byDepthThenName)) {
    // A directory's mount gives what its entries get; any other path is mounted as itself.
    const access = accessAt(c, subdirectories.has(path) ? anyChildOf(path) : path).access;
    const above = mounts.findLast((m) => m.path !== path && AbsolutePath.isWithin(path, m.path));
    if (access !== (above?.access ?? 'none')) mounts.push({ path, access });
  }
  return { mounts, limits: nonRecursive.map(nonRecursiveLimit) };
}

function nonRecursiveLimit(rule: ScopeRule): string {
  return (
    `${ScopeRule.describe(rule)}: its subdirectories are fixed when the agent starts, each mounted with what lies below it ` +
    `(its own mode and times get that access too, and it cannot be renamed or removed), and one created later is not limited to a single level`
  );
}
