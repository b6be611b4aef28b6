import { randomUUID } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import { DEFAULT_HOST_CONFIG, HOST_CONFIG, type HostConfig } from '../../application/host/host-config.js';
import type { HostSignal, HostSignals } from '../../application/ports/host-signals.js';
import type { PodHost, WakeReason } from '../../application/ports/pod-host.js';
import type { PodName } from '../../domain/pod-name.js';

export type { HostSignal };

/**
 * The host seen from the use cases: their post-commit calls become signals that a run
 * loop in this process subscribes to. Signals carry no data of their own (history and
 * leases are in the store), so a process with no run loop loses nothing by ignoring them.
 */
@injectable()
export class InProcessPodHost implements PodHost, HostSignals {
  readonly hostId = `host_${randomUUID()}`;
  readonly leaseTtlMs: number;
  private readonly listeners = new Set<(signal: HostSignal) => void>();

  constructor(@inject(HOST_CONFIG) @optional() config: HostConfig = DEFAULT_HOST_CONFIG) {
    this.leaseTtlMs = config.leaseTtlMs;
  }

  subscribe(listener: (signal: HostSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  adopt(pod: PodName): void {
    this.emit({ type: 'adopt', pod });
  }
  wake(pod: PodName, reason: WakeReason): void {
    this.emit({ type: 'wake', pod, reason });
  }
  halt(pod: PodName): void {
    this.emit({ type: 'halt', pod });
  }
  private emit(signal: HostSignal): void {
    for (const listener of this.listeners) listener(signal);
  }
}
