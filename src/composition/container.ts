import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import type { PodsApp } from '../application/pods-app.js';
import { CLOCK } from '../application/ports/clock.js';
import { POD_EVENTS } from '../application/ports/pod-events.js';
import { ID_GENERATOR } from '../application/ports/id-generator.js';
import { POD_HOST } from '../application/ports/pod-host.js';
import { UNIT_OF_WORK } from '../application/ports/unit-of-work.js';
import { PodTools } from '../application/tools/pod-tools.js';
import { CancelTurn } from '../application/use-cases/cancel-turn.js';
import { CreatePod } from '../application/use-cases/create-pod.js';
import { DeliverPeerMessage } from '../application/use-cases/deliver-peer-message.js';
import { FindUnservedPods } from '../application/use-cases/find-unserved-pods.js';
import { ExplainEntry } from '../application/use-cases/explain-entry.js';
import { InitiatePeerHandshake } from '../application/use-cases/initiate-peer-handshake.js';
import { ListAllPods } from '../application/use-cases/list-all-pods.js';
import { ListPods } from '../application/use-cases/list-pods.js';
import { OverviewPods } from '../application/use-cases/overview-pods.js';
import { ReadChildOutput } from '../application/use-cases/read-child-output.js';
import { ReadHistory } from '../application/use-cases/read-history.js';
import { ReadRecentHistory } from '../application/use-cases/read-recent-history.js';
import { RemovePeer } from '../application/use-cases/remove-peer.js';
import { RemovePod } from '../application/use-cases/remove-pod.js';
import { ReadRemovedHistory } from '../application/use-cases/read-removed-history.js';
import { RestorePod } from '../application/use-cases/restore-pod.js';
import { SendToChild } from '../application/use-cases/send-to-child.js';
import { SpawnChildPod } from '../application/use-cases/spawn-child-pod.js';
import { StopChild } from '../application/use-cases/stop-child.js';
import { SubmitOperatorInput } from '../application/use-cases/submit-operator-input.js';
import { TakeUnseenInbound } from '../application/use-cases/take-unseen-inbound.js';
import { WaitForInbound } from '../application/use-cases/wait-for-inbound.js';
import { FollowHistory } from '../application/use-cases/follow-history.js';
import { ProcessPodHost } from '../adapters/host/process-pod-host.js';
import { InMemoryUnitOfWork } from '../adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { RandomIdGenerator } from '../adapters/system/random-id-generator.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import { ManagedPostgres } from '../adapters/persistence/managed-postgres/managed-postgres.js';
import { NoConnectionLeftError } from '../adapters/persistence/postgres/connection/no-connection-left.js';
import { hostModule, type HostOptions } from './host-module.js';
import { hasLegacyPgliteStore, legacyPgliteDir, type StoreNotices } from './store-control.js';
import type { StoreConfig } from './store-config.js';
import { kyselyStoreModule, openSqlStore } from './postgres-store.js';
import type { PoolSize } from '../adapters/persistence/postgres/connection/pool-size.js';
import { podsApp } from './pods-app.js';

export type { StoreConfig };

export function withConnections(store: StoreConfig, settings: { readonly poolSize: PoolSize | undefined; readonly application: string }): StoreConfig {
  if (store.kind === 'memory') return store;
  const { poolSize, application } = settings;
  return { ...store, ...(poolSize === undefined ? {} : { poolSize }), application };
}

export type { StoreNotices };

const USE_CASES = [
  CreatePod, SpawnChildPod, InitiatePeerHandshake, RemovePeer, DeliverPeerMessage, SendToChild,
  ReadChildOutput, StopChild, ListPods, RestorePod, ExplainEntry, ReadHistory, ReadRecentHistory, ListAllPods, SubmitOperatorInput,
  TakeUnseenInbound, WaitForInbound, FollowHistory, FindUnservedPods, RemovePod, ReadRemovedHistory, CancelTurn, OverviewPods,
] as const satisfies readonly (new (...args: never[]) => object)[];

const applicationModule = new ContainerModule(({ bind }) => {
  bind(CLOCK).to(SystemClock).inSingletonScope();
  bind(ID_GENERATOR).to(RandomIdGenerator).inSingletonScope();
  bind(POD_HOST).to(ProcessPodHost).inSingletonScope();
  for (const useCase of USE_CASES) bind<object>(useCase).toSelf().inSingletonScope();
  bind(PodTools).toSelf().inSingletonScope();
});

const memoryStore = new ContainerModule(({ bind }) => {
  bind(InMemoryUnitOfWork).toSelf().inSingletonScope();
  bind(UNIT_OF_WORK).toService(InMemoryUnitOfWork);
  bind(POD_EVENTS).toResolvedValue((uow: InMemoryUnitOfWork) => uow.events, [InMemoryUnitOfWork]).inSingletonScope();
});

/** The pool's first connection is the probe; a server with no connection left is refused at once. */
async function openManaged(store: Extract<StoreConfig, { kind: 'managed' }>, notices: StoreNotices): Promise<Awaited<ReturnType<typeof openSqlStore>>> {
  const { home, poolSize, application, maxConnections } = store;
  const server = new ManagedPostgres({ home, report: notices, ...(maxConnections === undefined ? {} : { maxConnections }) });
  const quick = await server.runningUrl();
  let opened: Awaited<ReturnType<typeof openSqlStore>> | undefined;
  try {
    if (quick) {
      opened = await openSqlStore(quick, poolSize, application).catch((error: unknown) => {
        if (error instanceof NoConnectionLeftError) throw error; // the slow path would only be refused again
        return undefined; // stopping, or not ready: the slow path tells
      });
    }
    opened ??= await openSqlStore((await server.ensureRunning()).url, poolSize, application);
  } catch (error) {
    if (!(error instanceof NoConnectionLeftError) || error.refusal.type !== 'ServerFull') throw error;
    const count = await server.connectionHolders();
    throw new NoConnectionLeftError(count ? { type: 'ManagedStoreFull', home, count } : { type: 'ManagedStoreFullUncounted', home, serverMessage: error.refusal.serverMessage });
  }
  if (await hasLegacyPgliteStore(home)) {
    notices(`an earlier pods left a PGlite store in ${legacyPgliteDir(home)}; \`pods store import-pglite ${legacyPgliteDir(home)}\` copies its Pods into this store`);
  }
  return opened;
}

export type OpenedContainer = {
  readonly app: PodsApp;
  readonly close: () => Promise<void>;
};

/** The container itself: for composition tests, fixtures that replace a binding, and benchmarks. Drivers get `openContainer`'s app. */
export type OpenedInversifyContainer = {
  readonly container: Container;
  readonly close: () => Promise<void>;
};

export async function openContainer(store: StoreConfig, host: HostOptions = {}, notices: StoreNotices = () => undefined): Promise<OpenedContainer> {
  const { container, close } = await openInversifyContainer(store, host, notices);
  return { app: podsApp(container), close };
}

/** The only place that knows which adapter implements which port; a durable store is migrated before it is handed out. */
export async function openInversifyContainer(store: StoreConfig, host: HostOptions = {}, notices: StoreNotices = () => undefined): Promise<OpenedInversifyContainer> {
  const container = new Container();
  switch (store.kind) {
    case 'memory':
      container.load(applicationModule, hostModule(host), memoryStore);
      return { container, close: async () => container.unbindAllAsync() };
    case 'managed':
    case 'postgres': {
      const sqlStore = store.kind === 'postgres' ? await openSqlStore(store.url, store.poolSize, store.application) : await openManaged(store, notices);
      container.load(applicationModule, hostModule(host), kyselyStoreModule(sqlStore.db, sqlStore.events));
      return {
        container,
        close: async () => {
          try {
            await container.unbindAllAsync();
          } finally {
            await sqlStore.close();
          }
        },
      };
    }
  }
}
