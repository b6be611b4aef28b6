import { rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StoreControl } from '../adapters/cli/cli-command.js';
import type { ManagedPostgres } from '../adapters/persistence/managed-postgres/managed-postgres.js';
import { describeInvalidStoreUrl, describeStore, storeConfigFrom, type StoreSource } from './store-config.js';

export type StoreNotices = (line: string) => void;

export const legacyPgliteDir = (home: string): string => join(home, 'store');

/** Only the managed server has a lifecycle of its own; any other selection is refused in one line. */
export function storeControlFor(source: Omit<StoreSource, 'db'>, notices: StoreNotices): (db: string | undefined) => StoreControl {
  return (db) => {
    const config = storeConfigFrom({ ...source, db });
    if (!config.ok) throw new Error(`${describeInvalidStoreUrl(config.error)}; see \`pods --help\``);
    if (config.value.kind !== 'managed') {
      throw new Error(`${describeStore(config.value)} is selected (${db !== undefined ? '--db' : 'PODS_DATABASE_URL'}); \`pods store\` manages only the local server under $PODS_HOME`);
    }
    const { home, maxConnections } = config.value;
    // Loaded on use: `pods store` must not cost the start-up of every other command.
    let loaded: Promise<ManagedPostgres> | undefined;
    const server = (): Promise<ManagedPostgres> =>
      (loaded ??= import('../adapters/persistence/managed-postgres/managed-postgres.js').then((m) => new m.ManagedPostgres({ home, report: notices, ...(maxConnections === undefined ? {} : { maxConnections }) })));
    return {
      home,
      status: async () => (await server()).status(),
      start: async () => {
        const running = await (await server()).ensureRunning();
        return { started: running.started, pid: running.pid };
      },
      stop: async () => (await server()).stop(),
      remove: async () => (await server()).remove(),
      importPglite: async (dir) => {
        const from = resolve(dir);
        const [{ importPgliteStore }, { openPostgresStore }] = await Promise.all([
          import('../adapters/persistence/pglite-import/import-pglite-store.js'),
          import('../adapters/persistence/postgres/open-postgres-store.js'),
        ]);
        const store = await openPostgresStore((await (await server()).ensureRunning()).url);
        try {
          const summary = await importPgliteStore(from, store.db, notices);
          if (from === legacyPgliteDir(home)) {
            const aside = `${from}.imported-${new Date().toISOString().replace(/[:.]/g, '-')}`;
            await rename(from, aside);
            notices(`moved the imported PGlite store to ${aside}`);
          }
          return summary;
        } finally {
          await store.close();
        }
      },
    };
  };
}

export async function hasLegacyPgliteStore(home: string): Promise<boolean> {
  return stat(join(legacyPgliteDir(home), 'PG_VERSION')).then(() => true, () => false);
}
