import type { PodName } from './pod-name.js';

/** SPEC §2's last row: only the operator makes or removes a peer relation, and not every pair may have one. */
export type PeeringRefusal =
  | { readonly type: 'SelfPeer'; readonly name: PodName }
  | { readonly type: 'ParentChildPair'; readonly parent: PodName; readonly child: PodName };

export type UnpeeringRefusal = { readonly type: 'NotPeers'; readonly from: PodName; readonly to: PodName };

const noParents = (): undefined => undefined;

/** Neither the other's parent: a parent steers its child with SendToPod, so a peer relation adds nothing. */
export function peeringRefusal(
  from: PodName,
  to: PodName,
  parentOf: (pod: PodName) => PodName | undefined = noParents,
): PeeringRefusal | undefined {
  if (from === to) return { type: 'SelfPeer', name: from };
  if (parentOf(to) === from) return { type: 'ParentChildPair', parent: from, child: to };
  if (parentOf(from) === to) return { type: 'ParentChildPair', parent: to, child: from };
  return undefined;
}

export function describePeeringRefusal(refusal: PeeringRefusal): string {
  switch (refusal.type) {
    case 'SelfPeer':
      return `a Pod is not its own peer (\`${refusal.name}\`)`;
    case 'ParentChildPair':
      return `pod \`${refusal.child}\` is a spawned child of \`${refusal.parent}\`; a parent and its child are never peers (the parent uses SendToPod)`;
  }
}

export const describeUnpeeringRefusal = (refusal: UnpeeringRefusal): string => `\`${refusal.from}\` and \`${refusal.to}\` are not peers`;
