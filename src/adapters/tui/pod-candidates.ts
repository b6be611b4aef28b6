import type { ListAllPods } from '../../application/use-cases/list-all-pods.js';
import type { ListPods } from '../../application/use-cases/list-pods.js';
import type { PodName } from '../../domain/pod-name.js';

export type PodSource = 'store_pods' | 'peer_candidates' | 'peers' | 'visible_pods';

/**
 * The Pods a command could take as its argument, sorted by name: what Tab offers and the
 * pickers list. The store is the operator's view; the rest is seen from the attached Pod.
 */
export async function podCandidates(
  useCases: { readonly listAll: ListAllPods; readonly listPods: ListPods },
  attached: PodName,
  source: PodSource,
): Promise<readonly PodName[]> {
  if (source === 'store_pods') return (await useCases.listAll.execute()).map((p) => p.name).filter((name) => name !== attached);
  const listed = await useCases.listPods.execute({ caller: attached });
  const visible = listed.ok ? listed.value : [];
  switch (source) {
    case 'visible_pods':
      return visible.filter((p) => p.visibility !== 'self').map((p) => p.name);
    case 'peers':
      return visible.filter((p) => p.visibility === 'peer').map((p) => p.name);
    case 'peer_candidates': {
      // Children are refused as peers, and so is a parent; existing peers have nothing to gain.
      const all = await useCases.listAll.execute();
      const self = all.find((p) => p.name === attached);
      const excluded = new Set<PodName>([attached, ...visible.map((p) => p.name)]);
      if (self?.origin.type === 'spawned') excluded.add(self.origin.parent);
      return all.map((p) => p.name).filter((name) => !excluded.has(name));
    }
  }
}
