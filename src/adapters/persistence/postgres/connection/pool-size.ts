import type { Brand } from '../../../../domain/brand.js';
import { err, ok, type Result } from '../../../../domain/result.js';

/** How many connections a process's pool may hold for statements (its LISTEN connection is apart). */
export type PoolSize = Brand<number, 'PoolSize'>;

export const MAX_POOL_SIZE = 100;

export const PoolSize = {
  parse(raw: string): Result<PoolSize, string> {
    const text = raw.trim();
    if (!/^[1-9]\d{0,2}$/.test(text) || Number(text) > MAX_POOL_SIZE) {
      return err(`PODS_POOL_SIZE ${JSON.stringify(raw)} is not a whole number of connections from 1 to ${MAX_POOL_SIZE}`);
    }
    return ok(Number(text) as PoolSize);
  },
  unsafe(size: number): PoolSize {
    return size as PoolSize;
  },
};

/** With the LISTEN connection a host holds two whatever its number of Pods (ADR 0021); `PODS_POOL_SIZE` for more. */
export const DEFAULT_POOL_SIZE: PoolSize = PoolSize.unsafe(1);

/** A pooled connection unused this long is closed; longer than a host's idle period (2 s), so an idle host keeps its one. */
export const POOL_IDLE_MS = 10_000;

export function poolSizeFromEnv(env: Readonly<Record<string, string | undefined>>): Result<PoolSize | undefined, string> {
  const raw = env['PODS_POOL_SIZE'];
  if (raw === undefined || raw.trim() === '') return ok(undefined);
  return PoolSize.parse(raw);
}
