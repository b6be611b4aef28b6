import { isAbsolute, join, resolve } from 'node:path';
import { errorMessage } from '../adapters/error-message.js';
import type { StoreOpener } from '../adapters/cli/run-cli.js';
import { redactUrl } from '../adapters/persistence/postgres/connection/redact-url.js';
import { displayValue } from '../domain/display.js';
import { err, ok, type Result } from '../domain/result.js';
import type { PoolSize } from '../adapters/persistence/postgres/connection/pool-size.js';

/** SPEC §1 "Store". `application` names this process's connections, so a full server's count can say who holds them. */
export type StoreConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'managed'; readonly home: string; readonly poolSize?: PoolSize; readonly application?: string; readonly maxConnections?: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: PoolSize; readonly application?: string };

export type StoreSource = {
  readonly db?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly cwd: string;
};

export type InvalidStoreUrl = {
  readonly type: 'InvalidStoreUrl';
  readonly origin: '--db' | 'PODS_DATABASE_URL';
  readonly value: string;
  readonly reason: string;
};

/** SPEC §6: `--db`, else `PODS_DATABASE_URL`, else the managed server under `$PODS_HOME` (default `~/.pods`). */
export function storeConfigFrom(source: StoreSource): Result<StoreConfig, InvalidStoreUrl> {
  const fromEnv = source.env['PODS_DATABASE_URL'];
  // An empty variable is "unset", as shells make it easy to export one by accident.
  const [origin, value] = source.db !== undefined ? (['--db', source.db] as const) : (['PODS_DATABASE_URL', fromEnv ?? ''] as const);
  if (origin === 'PODS_DATABASE_URL' && value === '') {
    // For tests only (a server full at a few connections): the limit a server this process starts gets; the server refuses a bad value.
    const maxConnections = source.env['PODS_TEST_MAX_CONNECTIONS'];
    return ok({ kind: 'managed', home: podsHome(source), ...(maxConnections ? { maxConnections } : {}) });
  }
  const fail = (reason: string) => err<InvalidStoreUrl>({ type: 'InvalidStoreUrl', origin, value, reason });
  if (value === 'memory') return ok({ kind: 'memory' });
  if (/^pglite(:|$)/i.test(value)) {
    return fail('PGlite is no longer a store; `pods store import-pglite DIR` copies such a store into the default one');
  }
  if (!/^postgres(ql)?:\/\//i.test(value)) {
    return fail('expected `memory` or a postgres:// URL (leave it unset for the local server under $PODS_HOME)');
  }
  try {
    new URL(value);
  } catch {
    return fail('not a valid URL');
  }
  return ok({ kind: 'postgres', url: value });
}

export function podsHome(source: Omit<StoreSource, 'db'>): string {
  const configured = source.env['PODS_HOME'];
  if (configured === undefined || configured === '') return join(source.homedir, '.pods');
  return isAbsolute(configured) ? configured : resolve(source.cwd, configured);
}

export function describeInvalidStoreUrl(error: InvalidStoreUrl): string {
  const what = error.value === '' ? 'empty store URL' : `unsupported store ${displayValue(redactUrl(error.value))}`;
  return `${error.origin}: ${what}: ${error.reason}`;
}

/** Names a store for a message without leaking a password. */
export function describeStore(config: StoreConfig): string {
  switch (config.kind) {
    case 'memory':
      return 'the in-memory store';
    case 'managed':
      return `the pods store under ${storeLocation(config)}`;
    case 'postgres':
      return `the PostgreSQL store at ${storeLocation(config)}`;
  }
}

export function storeLocation(config: StoreConfig): string {
  switch (config.kind) {
    case 'memory':
      return 'the in-memory store';
    case 'managed':
      return config.home;
    case 'postgres':
      return redactUrl(config.url);
  }
}

/** Every failure becomes a one-line Error naming the store, never its password. */
export function storeOpener(source: Omit<StoreSource, 'db'>, open: (config: StoreConfig, command: string) => ReturnType<StoreOpener>): StoreOpener {
  return async (db, command) => {
    const config = storeConfigFrom({ ...source, db });
    if (!config.ok) throw new Error(`${describeInvalidStoreUrl(config.error)}; see \`pods --help\``);
    try {
      return await open(config.value, command);
    } catch (error) {
      // The stores' own errors usually name the store already; say it once.
      const reason = errorMessage(error);
      const where = storeLocation(config.value);
      throw new Error(reason.includes(where) ? reason : `cannot open ${describeStore(config.value)}: ${reason}`, { cause: error });
    }
  };
}
