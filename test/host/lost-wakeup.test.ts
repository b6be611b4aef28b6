import { noAgentSessions } from '../support/world.js';
import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import { KnownHistory } from '../../src/application/host/known-history.js';
import { describe, expect, it } from 'vitest';
import { ProcessPodHost } from '../../src/adapters/host/process-pod-host.js';
import { PodEventStream } from '../../src/adapters/events/pod-event-stream.js';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { DEFAULT_HOST_CONFIG } from '../../src/application/host/host-config.js';
import { HostRuntime } from '../../src/application/host/host-runtime.js';
import type { RunTurn, TurnReport } from '../../src/application/host/run-turn.js';
import { ok } from '../../src/domain/result.js';
import { ManualClock } from '../support/manual-clock.js';
import { name } from '../support/world.js';

describe('HostRuntime wake-ups', () => {
  it('never loses a wake-up that arrives while it checks whether anything is left to answer', async () => {
    const events = new PodEventStream();
    const reports: TurnReport['end'][] = ['finished', 'nothing_to_do', 'finished', 'nothing_to_do'];
    let calls = 0;
    const runTurn = {
      async execute(command: { readonly onStart?: () => Promise<void> }) {
        const end = reports[calls] ?? 'nothing_to_do';
        calls += 1;
        // The second call is the "anything left?" check after a turn: a commit by another
        // host is announced right then, before the check returns "nothing".
        if (calls === 2) events.emit({ type: 'committed', pod: name('me'), changes: { history: true } });
        if (end !== 'nothing_to_do') await command.onStart?.();
        return ok<TurnReport>({ end, steps: end === 'finished' ? 1 : 0, trigger: [] });
      },
    } as unknown as RunTurn;
    const uow = new InMemoryUnitOfWork();
    const runtime = new HostRuntime(uow, new ManualClock(), new ProcessPodHost(), events, runTurn, { ...DEFAULT_HOST_CONFIG, pollMs: 60_000 }, new KnownHistory(), noAgentSessions(uow), new InMemoryProfileCatalog());
    runtime.start();
    try {
      expect(await runtime.attach(name('me'))).toMatchObject({ ok: true });
      await runtime.idle(name('me'));
      // finished → check (wake-up lands) → the turn for the new input → check.
      expect(calls).toBe(4);
    } finally {
      await runtime.shutdown();
    }
  });
});
