import type { ServiceIdentifier } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import type { WakeReason } from './pod-host.js';

export type HostSignal =
  | { readonly type: 'adopt'; readonly pod: PodName }
  | { readonly type: 'wake'; readonly pod: PodName; readonly reason: WakeReason }
  | { readonly type: 'halt'; readonly pod: PodName };

/** The other side of PodHost: what a run loop in this process listens to. */
export interface HostSignals {
  subscribe(listener: (signal: HostSignal) => void): () => void;
}
export const HOST_SIGNALS = Symbol.for('HostSignals') as ServiceIdentifier<HostSignals>;
