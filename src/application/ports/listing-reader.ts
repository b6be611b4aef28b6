import type { Pod } from '../../domain/pod.js';
import type { PodName } from '../../domain/pod-name.js';
import type { Lease } from '../../domain/pod-status.js';
import type { ProfileName } from '../../domain/profile-name.js';
import type { ScopeRule } from '../../domain/scope-rule.js';
import type { VisibleFilter, VisibleTotals } from '../../domain/visible-page.js';
import type { VisiblePod } from '../../domain/visibility.js';

/** The domain's set and statuses (`visibleInOrder`, `statusOf` at `now`), answered without reading every row. */
export type ListingQuery = VisibleFilter & {
  readonly caller: PodName;
  /** The time liveness is judged at: a lease is live while it expires after `now`. */
  readonly now: Date;
  readonly limit: number;
};

export type ListedPod = VisiblePod & {
  /** A peer that is a child its parent stopped: that parent (`stoppedByParent`), the only one who may run it again. */
  readonly stoppedBy?: PodName;
  readonly lease?: Lease;
  readonly profile?: ProfileName;
  readonly children: { readonly count: number; readonly live: number };
};

export type ListingPage = {
  readonly self: Pod;
  /** The matching Pods after `after`, sorted by name (code units), at most `limit`. */
  readonly pods: readonly ListedPod[];
  readonly more: boolean;
  /** `self`'s lent scope (`lentScope`): present whenever `pods` holds a stopped child, else may be left out. */
  readonly lent?: readonly ScopeRule[];
  readonly totals: VisibleTotals;
};

export type PodAndLease = { readonly pod: Pod; readonly lease?: Lease };

export type LastEntry = { readonly seq: number; readonly kind: string; readonly at: Date; readonly code?: string };

export type PodOverviewRow = PodAndLease & {
  readonly last?: LastEntry;
  /** Input after the newest entry a model request held, among the last OVERVIEW_TAIL entries. */
  readonly unseenInput: number;
  /** Older entries than the tail may hold more: nothing in it shows a model saw past its start. */
  readonly unseenMayBeMore?: true;
  readonly peers: readonly { readonly name: PodName; readonly autoTurns: number }[];
};

/** How far back the overview looks for a Pod's unseen input: its cost stays bounded however long the history. */
export const OVERVIEW_TAIL = 64;

export type StorePageQuery = { readonly after?: PodName; readonly prefix?: string; readonly limit: number };
export type StorePage = { readonly pods: readonly PodAndLease[]; readonly more: boolean };

/** One statement each (so `{ singleRead: true }`), costing the page and the caller's relations, never the store's size. */
export interface ListingReader {
  /** A page of what `caller` sees, with the totals; undefined when `caller` is no Pod. */
  page(query: ListingQuery): Promise<ListingPage | undefined>;
  /** A page of every Pod in the store, sorted by name (operator listing only; Pods never see this). */
  storePage(query: StorePageQuery): Promise<StorePage>;
  /** The dashboard's rows: every Pod (or those of `among`), sorted by name. Operator only. */
  overview(among?: readonly PodName[]): Promise<readonly PodOverviewRow[]>;
}
