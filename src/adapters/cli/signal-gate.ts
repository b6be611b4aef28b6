import { PROCESS_SIGNALS, type ProcessSignal, type SignalHandler } from '../process-io.js';

/** Where signals come from and how the process ends at once: `process` in `main.ts`, a fake in tests. */
export type SignalSource = {
  readonly on: (signal: ProcessSignal, listener: () => void) => void;
  readonly off: (signal: ProcessSignal, listener: () => void) => void;
  /** Ends the process now (a second signal while it was stopping). */
  readonly exitNow: (signal: ProcessSignal) => void;
};

const NUMBERS: Readonly<Record<ProcessSignal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
/** The shell's convention for a process ended by a signal. */
export const exitCodeFor = (signal: ProcessSignal): number => 128 + NUMBERS[signal];

/** After `hold()` (a command holding leases) no signal kills by default: the first marks a stop, a second exits at once. */
export function signalGate(source: SignalSource) {
  const handlers = new Map<ProcessSignal, Set<SignalHandler>>(PROCESS_SIGNALS.map((s) => [s, new Set()]));
  const listeners = new Map<ProcessSignal, () => void>();
  let held = false;
  let signalled = false;
  let pending: ProcessSignal | undefined;
  let hungUp = false;

  const deliver = (signal: ProcessSignal): void => {
    if (signal === 'SIGHUP') hungUp = true;
    if (signalled) return source.exitNow(signal);
    const registered = [...(handlers.get(signal) ?? [])];
    if (registered.length === 0) {
      signalled = true;
      pending = signal;
      return;
    }
    // Every handler hears it; one that does not ignore it makes it a stop.
    let stops = false;
    for (const handler of registered) if (handler() !== 'ignored') stops = true;
    if (stops) signalled = true;
  };
  const listen = (signal: ProcessSignal): void => {
    if (listeners.has(signal)) return;
    const listener = () => deliver(signal);
    listeners.set(signal, listener);
    source.on(signal, listener);
  };
  const unlisten = (signal: ProcessSignal): void => {
    const listener = listeners.get(signal);
    if (!listener || held || (handlers.get(signal)?.size ?? 0) > 0) return;
    listeners.delete(signal);
    source.off(signal, listener);
  };

  return {
    onSignal(signal: ProcessSignal, handler: SignalHandler): () => void {
      handlers.get(signal)?.add(handler);
      listen(signal);
      if (pending === signal) {
        pending = undefined;
        // Not from inside the registration: the command finishes setting up first.
        setImmediate(() => void handler());
      }
      return () => {
        handlers.get(signal)?.delete(handler);
        unlisten(signal);
      };
    },
    hold(): void {
      held = true;
      for (const signal of PROCESS_SIGNALS) listen(signal);
    },
    /** Once held, the process exits explicitly: a signal during node's own teardown is not listened to and kills it. */
    get held(): boolean {
      return held;
    },
    get hungUp(): boolean {
      return hungUp;
    },
  };
}

export type SignalGate = ReturnType<typeof signalGate>;
