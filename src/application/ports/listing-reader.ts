import type { ChildOwnership } from '../../domain/child-ownership.js';
import type { PeerRelation } from '../../domain/peer-relation.js';
import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import type { Lease } from '../../domain/pod-status.js';
import type { ProfileName } from '../../domain/profile-name.js';

/** A parent → child edge, by name only, with the lease on the child: enough to count a Pod's children and the live ones. */
export type ChildEdge = { readonly parent: PodName; readonly child: PodName; readonly lease?: Lease };

/**
 * The rows ListPods decides from, for one caller: what the visibility set is made of (its
 * children and relations), and what the listing shows of each Pod in it. Rows only; the
 * domain (visibility, scope lending, liveness) decides what they mean. No order is promised.
 * Every lease is as stored, live or expired.
 */
export type Surroundings = {
  readonly self: Pod;
  /** Every ownership edge whose parent is `self`, outstanding and stopped. */
  readonly children: readonly ChildOwnership[];
  /** Every peer relation `self` is part of. */
  readonly relations: readonly PeerRelation[];
  /** Every ownership edge whose parent is one of `self`'s children or peers: their own children. */
  readonly grandchildren: readonly ChildEdge[];
  /**
   * The lease on `self`, and position by position the lease on each of `children` and on the
   * other side of each of `relations`. By position, not by name: in V8 a map of 10,000 names
   * costs more to build than the rest of the read together.
   */
  readonly leases: {
    readonly self?: Lease;
    readonly children: readonly (Lease | undefined)[];
    readonly relations: readonly (Lease | undefined)[];
  };
  /** Position by position as `leases`, the profile each of `children` and each other side of `relations` runs with (undefined: `default`). */
  readonly profiles: {
    readonly children: readonly (ProfileName | undefined)[];
    readonly relations: readonly (ProfileName | undefined)[];
  };
};

/** A Pod with the lease on it, if any (live or expired, as stored). */
export type PodAndLease = { readonly pod: Pod; readonly lease?: Lease };

/** The newest entry of a Pod's history: when it last did anything, and what. */
export type LastEntry = { readonly seq: number; readonly kind: string; readonly at: Date; readonly code?: string };

/** What the dashboard shows of a Pod, as stored; the application decides what it means. */
export type PodOverviewRow = PodAndLease & {
  readonly last?: LastEntry;
  /**
   * Input (user input, peer messages, child events) after the newest entry a model request
   * held, among the Pod's last OVERVIEW_TAIL entries (so at most that many).
   */
  readonly unseenInput: number;
  /** Its peers, with the peer-triggered turns each pair has run since a human spoke. */
  readonly peers: readonly { readonly name: PodName; readonly autoTurns: number }[];
};

/** How far back the overview looks for a Pod's unseen input: its cost stays bounded however long the history. */
export const OVERVIEW_TAIL = 64;

/**
 * The listings' reads, each one statement in a SQL store whatever the number of Pods, so a
 * unit of work that makes only one of them can run with `{ singleRead: true }`.
 */
export interface ListingReader {
  /** What ListPods needs about `caller`; undefined when `caller` is no Pod. */
  surroundings(caller: PodName): Promise<Surroundings | undefined>;
  /** Every Pod in the store with its lease, sorted by name (operator listing only; Pods never see this). */
  everyPod(): Promise<readonly PodAndLease[]>;
  /** The dashboard's rows: every Pod (or those of `among`), sorted by name. Operator only. */
  overview(among?: readonly PodName[]): Promise<readonly PodOverviewRow[]>;
}
