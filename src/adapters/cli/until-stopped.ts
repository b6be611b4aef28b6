import type { PodEvents } from '../../application/ports/pod-events.js';
import type { PodName } from '../../domain/pod-name.js';
import { PROCESS_SIGNALS, type ProcessIo } from '../process-io.js';

export type StopReason = 'signal' | 'closed' | 'lease_lost' | 'store_lost';

export const STORE_LOST = 'the store stayed unreachable past PODS_STORE_OUTAGE_MS; stopped';

/** The process's signal gate keeps later signals from killing it while it gives its leases back. */
export function untilStopped(
  io: ProcessIo,
  events: PodEvents,
  options: { readonly leaseOf?: PodName; readonly closed?: Promise<unknown> } = {},
): Promise<StopReason> {
  return new Promise((resolve) => {
    const offSignals = PROCESS_SIGNALS.map((signal) => io.onSignal(signal, () => stop('signal')));
    const offHost = events.subscribe((event) => {
      if (event.type === 'lease_lost' && event.pod === options.leaseOf) stop('lease_lost');
      if (event.type === 'store_lost') stop('store_lost');
    });
    void options.closed?.then(() => stop('closed'));
    void io.guardianGone?.then(() => stop('closed'));
    function stop(why: StopReason): void {
      for (const off of offSignals) off();
      offHost();
      resolve(why);
    }
  });
}
