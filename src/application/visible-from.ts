import type { PodName } from '../domain/pod-name.js';
import { visibilitySet, type VisiblePod } from '../domain/visibility.js';
import type { Repositories } from './ports/unit-of-work.js';

/** The caller's visibility set, read in two queries whatever its size. */
export async function visibleFrom(repos: Repositories, caller: PodName): Promise<ReadonlyMap<PodName, VisiblePod>> {
  const [children, relations] = await Promise.all([
    repos.children.listByParents([caller]),
    repos.relations.listFor(caller),
  ]);
  return visibilitySet(caller, children, relations);
}
