import type { ServiceIdentifier } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import type { PodDriver } from '../../domain/pod-status.js';
import type { LiveEvent } from './live-events.js';

/** A lease's last change in one commit: taken (by which host, driven how), or ended (released, revoked). */
export type LeaseChange = { readonly takenBy: string; readonly driver: PodDriver } | 'ended';

export type PodChanges = {
  readonly history?: true;
  readonly created?: true;
  readonly removed?: true;
  readonly lease?: LeaseChange;
};

/** Two sets of changes to one Pod as one: flags add up, the later lease change wins. */
export const mergeChanges = (earlier: PodChanges | undefined, later: PodChanges): PodChanges => ({ ...earlier, ...later });

/** The store committed changes to a Pod; published after the commit, once per Pod per unit of work. */
export type PodCommitted = { readonly type: 'committed'; readonly pod: PodName; readonly changes: PodChanges };

export type PodEvent = PodCommitted | LiveEvent;

/** Nothing here is data: a missed event costs a read, never an entry. A listener that throws loses only that event. */
export interface PodEvents {
  subscribe(listener: (event: PodEvent) => void): () => void;
  publish(event: LiveEvent): void;
}
export const POD_EVENTS = Symbol.for('PodEvents') as ServiceIdentifier<PodEvents>;
