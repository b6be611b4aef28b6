import type { HostConfig } from '../application/host/host-config.js';
import { err, ok, type Result } from '../domain/result.js';

const TUNABLES = {
  PODS_LEASE_TTL_MS: 'leaseTtlMs',
  PODS_POLL_MS: 'pollMs',
  PODS_STEP_LIMIT: 'stepLimit',
  PODS_STORE_OUTAGE_MS: 'storeOutageLimitMs',
  PODS_CONTEXT_BUDGET: 'contextBudget',
} as const;

/** Positive whole numbers; anything else is refused with the variable's name. */
export function hostConfigFromEnv(env: Readonly<Record<string, string | undefined>>): Result<Partial<HostConfig>, string> {
  const config: Partial<Record<keyof HostConfig, number>> = {};
  for (const [variable, key] of Object.entries(TUNABLES)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    if (!/^[1-9]\d{0,8}$/.test(raw)) return err(`${variable} ${JSON.stringify(raw)} is not a positive whole number`);
    config[key] = Number(raw);
  }
  if (config.leaseTtlMs !== undefined && config.leaseTtlMs < 300) return err('PODS_LEASE_TTL_MS must be at least 300 ms');
  if (config.contextBudget !== undefined && config.contextBudget < 1_000) return err('PODS_CONTEXT_BUDGET must be at least 1000 characters');
  return ok(config);
}
