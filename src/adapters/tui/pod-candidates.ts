import type { ListAllPods } from '../../application/use-cases/list-all-pods.js';
import { LIST_PODS_LIMITS, type ListPods, type PodListing } from '../../application/use-cases/list-pods.js';
import { peeringRefusal } from '../../domain/peering.js';
import type { PodName } from '../../domain/pod-name.js';

export type PodSource = 'store_pods' | 'peer_candidates' | 'peers' | 'visible_pods';

/** The store is the operator's view; the rest is seen from the attached Pod. */
export async function podCandidates(
  useCases: { readonly listAll: ListAllPods; readonly listPods: ListPods },
  attached: PodName,
  source: PodSource,
): Promise<readonly PodName[]> {
  if (source === 'store_pods') return (await useCases.listAll.execute()).map((p) => p.name).filter((name) => name !== attached);
  const visible = await everyVisible(useCases.listPods, attached);
  switch (source) {
    case 'visible_pods':
      return visible.filter((p) => p.visibility !== 'self').map((p) => p.name);
    case 'peers':
      return visible.filter((p) => p.visibility === 'peer').map((p) => p.name);
    case 'peer_candidates': {
      // The Pods the handshake would take; existing peers have nothing to gain.
      const all = await useCases.listAll.execute();
      const parents = new Map(all.flatMap((p) => (p.origin.type === 'spawned' ? [[p.name, p.origin.parent] as const] : [])));
      const peers = new Set(visible.filter((p) => p.visibility === 'peer').map((p) => p.name));
      return all.map((p) => p.name).filter((name) => !peers.has(name) && !peeringRefusal(attached, name, (pod) => parents.get(pod)));
    }
  }
}

async function everyVisible(listPods: ListPods, caller: PodName): Promise<readonly PodListing[]> {
  const all: PodListing[] = [];
  let after: PodName | undefined;
  for (;;) {
    const listed = await listPods.execute({ caller, limit: LIST_PODS_LIMITS.max, ...(after === undefined ? {} : { after }) });
    if (!listed.ok) return all;
    all.push(...listed.value.pods);
    if (listed.value.cursor === undefined) return all;
    after = listed.value.cursor;
  }
}
