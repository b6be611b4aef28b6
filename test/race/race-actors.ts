import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import { ProcessPodHost } from '../../src/adapters/host/process-pod-host.js';
import { KyselyUnitOfWork } from '../../src/adapters/persistence/postgres/kysely-unit-of-work.js';
import { openPostgresStore } from '../../src/adapters/persistence/postgres/open-postgres-store.js';
import type { SqlStore } from '../../src/adapters/persistence/postgres/sql-store.js';
import { RandomIdGenerator } from '../../src/adapters/system/random-id-generator.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import type { UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { CreatePod } from '../../src/application/use-cases/create-pod.js';
import { DeliverPeerMessage } from '../../src/application/use-cases/deliver-peer-message.js';
import { InitiatePeerHandshake } from '../../src/application/use-cases/initiate-peer-handshake.js';
import { RemovePeer } from '../../src/application/use-cases/remove-peer.js';
import { SubmitOperatorInput } from '../../src/application/use-cases/submit-operator-input.js';
import type { EntryOf } from '../../src/domain/history-entry.js';
import { PodName } from '../../src/domain/pod-name.js';
import { openPostgresTestStore, type TestServer } from '../support/test-stores.js';

export const name = (raw: string): PodName => PodName.unsafe(raw);

/** The use cases a racing actor drives, wired by hand over its own unit of work. */
export function actor(uow: UnitOfWork) {
  const clock = new SystemClock();
  const ids = new RandomIdGenerator();
  const host = new ProcessPodHost();
  return {
    uow,
    createPod: new CreatePod(uow, clock, host, new InMemoryProfileCatalog()),
    handshake: new InitiatePeerHandshake(uow, clock, ids),
    removePeer: new RemovePeer(uow, clock, ids),
    deliver: new DeliverPeerMessage(uow, clock, ids),
    operatorInput: new SubmitOperatorInput(uow, clock),
    peer: (from: string, to: string) => new InitiatePeerHandshake(uow, clock, ids).execute({ from: name(from), to: name(to), via: 'race' }),
  };
}
export type Actor = ReturnType<typeof actor>;

/** A store racing actors share: each `actor()` may hold its own connection. */
export type RaceStore = {
  readonly label: string;
  /** An actor on its own connection. */
  readonly actor: () => Promise<Actor>;
  /** The store seen by the checks, outside every actor. */
  readonly observer: Actor;
  readonly store: SqlStore;
  readonly dispose: () => Promise<void>;
};

/** A private schema on a test server; every actor gets a pool of one connection. */
export async function openServerRace(server: TestServer): Promise<RaceStore> {
  const base = await openPostgresTestStore({ server });
  const opened: SqlStore[] = [];
  return {
    label: server.name,
    store: base.store,
    observer: actor(base.uow()),
    actor: async () => {
      const own = await openPostgresStore(base.url, { max: 1 });
      opened.push(own);
      return actor(new KyselyUnitOfWork(own.db));
    },
    dispose: async () => {
      await Promise.all(opened.map((s) => s.close()));
      await base.dispose();
    },
  };
}

export async function peerMessagesOf(a: Actor, pod: string): Promise<readonly EntryOf<'peer_message'>[]> {
  const entries = await a.uow.run((r) => r.history.read(name(pod)));
  return entries.filter((e): e is EntryOf<'peer_message'> => e.kind === 'peer_message');
}

export const range = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => i + from);
