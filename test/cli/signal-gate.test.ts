import { describe, expect, it } from 'vitest';
import { signalGate } from '../../src/adapters/cli/signal-gate.js';
import type { ProcessSignal } from '../../src/adapters/process-io.js';

/** A process whose signals the test raises; `exits` records an exit at once. */
function fakeProcess() {
  const listeners = new Map<ProcessSignal, Set<() => void>>();
  const exits: ProcessSignal[] = [];
  const gate = signalGate({
    on: (signal, listener) => void listeners.set(signal, (listeners.get(signal) ?? new Set()).add(listener)),
    off: (signal, listener) => void listeners.get(signal)?.delete(listener),
    exitNow: (signal) => void exits.push(signal),
  });
  /** Raises `signal`: false when no listener takes it (the default action would kill the process). */
  const raise = (signal: ProcessSignal): boolean => {
    const taking = [...(listeners.get(signal) ?? [])];
    for (const listener of taking) listener();
    return taking.length > 0;
  };
  return { gate, raise, exits };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('signalGate: a command holding leases is never killed by a signal before it gave them back', () => {
  it('without hold, a signal nobody handles keeps its default action, as for a short command', () => {
    const { gate, raise } = fakeProcess();
    const off = gate.onSignal('SIGINT', () => undefined);
    expect(raise('SIGINT')).toBe(true);
    off();
    expect(raise('SIGINT')).toBe(false);
    expect(raise('SIGHUP')).toBe(false);
  });

  it('held: a signal after the handlers are gone (stdin ended, leases being released) is absorbed; a second one exits at once', () => {
    const { gate, raise, exits } = fakeProcess();
    gate.hold();
    let stops = 0;
    const off = gate.onSignal('SIGTERM', () => void (stops += 1));
    off(); // the command stopped on its own (stdin ended) and is giving its leases back
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) expect(raise(signal)).toBe(true);
    expect(stops).toBe(0);
    expect(exits).toEqual(['SIGINT', 'SIGHUP']);
  });

  it('held: a signal stops the command through its handler; the next one, of any kind, exits at once', () => {
    const { gate, raise, exits } = fakeProcess();
    gate.hold();
    const heard: string[] = [];
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) gate.onSignal(signal, () => void heard.push(signal));
    raise('SIGHUP');
    expect(heard).toEqual(['SIGHUP']);
    expect(exits).toEqual([]);
    raise('SIGTERM');
    expect(heard).toEqual(['SIGHUP']);
    expect(exits).toEqual(['SIGTERM']);
  });

  it('held: a signal that comes before the command registered its handlers reaches the first handler of that signal', async () => {
    const { gate, raise, exits } = fakeProcess();
    gate.hold();
    raise('SIGTERM');
    const heard: string[] = [];
    gate.onSignal('SIGINT', () => void heard.push('SIGINT'));
    gate.onSignal('SIGTERM', () => void heard.push('SIGTERM'));
    await tick();
    expect(heard).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
  });

  it('a signal a handler ignores (Ctrl+C that clears a line, or reaches the editor) is no stop: the next one is handled too', () => {
    const { gate, raise, exits } = fakeProcess();
    gate.hold();
    let interrupts = 0;
    gate.onSignal('SIGINT', () => (++interrupts < 3 ? 'ignored' : undefined));
    for (let i = 0; i < 3; i++) raise('SIGINT');
    expect(interrupts).toBe(3);
    expect(exits).toEqual([]);
    raise('SIGINT');
    expect(exits).toEqual(['SIGINT']);
  });
});
