import type { ChildOwnership } from './child-ownership.js';
import type { PodName } from './pod-name.js';
import type { Lease } from './pod-status.js';

/** What decides whether the operator may remove a Pod, read in the unit of work that removes it. */
export type RemovalFacts = {
  readonly pod: PodName;
  readonly live: Lease | undefined;
  readonly ownership: ChildOwnership | undefined;
  readonly children: readonly ChildOwnership[];
  readonly peers: readonly PodName[];
  /** `--force`: its peer relations are removed with it. */
  readonly force: boolean;
};

export type RemovalRefusal =
  | { readonly type: 'PodLive'; readonly pod: PodName; readonly hostId: string }
  | { readonly type: 'OutstandingChild'; readonly pod: PodName; readonly parent: PodName }
  | { readonly type: 'HasChildren'; readonly pod: PodName; readonly outstanding: readonly PodName[]; readonly stopped: readonly PodName[] }
  | { readonly type: 'StillPeered'; readonly pod: PodName; readonly peers: readonly PodName[] };

/** Not while live, lending scope or owning children (they would be orphaned); peers only with `force`. */
export function mayRemovePod(facts: RemovalFacts): RemovalRefusal | undefined {
  const { pod, live, ownership, children, peers, force } = facts;
  if (live) return { type: 'PodLive', pod, hostId: live.hostId };
  if (ownership?.state === 'outstanding') return { type: 'OutstandingChild', pod, parent: ownership.parent };
  if (children.length > 0) {
    const of = (state: ChildOwnership['state']) => children.filter((c) => c.state === state).map((c) => c.child);
    return { type: 'HasChildren', pod, outstanding: of('outstanding'), stopped: of('stopped') };
  }
  if (peers.length > 0 && !force) return { type: 'StillPeered', pod, peers };
  return undefined;
}

const names = (pods: readonly PodName[]): string => pods.map((p) => `\`${p}\``).join(', ');

export function describeRemovalRefusal(refusal: RemovalRefusal): string {
  switch (refusal.type) {
    case 'PodLive':
      return `pod \`${refusal.pod}\` is live on ${refusal.hostId}; stop that host first (quit its TUI, stop its \`pods serve\` or \`pods mcp\`)`;
    case 'OutstandingChild':
      return `pod \`${refusal.pod}\` is an outstanding child of \`${refusal.parent}\` and holds scope it lent; ` +
        `stop it first (\`pods tool ${refusal.parent} StopPod '{"name":"${refusal.pod}"}'\`)`;
    case 'HasChildren': {
      const { outstanding, stopped } = refusal;
      const which = [outstanding.length ? `outstanding: ${names(outstanding)}` : '', stopped.length ? `stopped: ${names(stopped)}` : ''].filter(Boolean).join('; ');
      return `pod \`${refusal.pod}\` has children (${which}); remove them first (an outstanding one is stopped by its parent's StopPod)`;
    }
    case 'StillPeered':
      return `pod \`${refusal.pod}\` is peered with ${names(refusal.peers)}; unpeer first (\`pods unpeer ${refusal.pod} ${refusal.peers[0]}\`), ` +
        `or pass --force to remove the relations with it`;
  }
}
