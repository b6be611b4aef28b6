import { describe, expect, it } from 'vitest';
import { hostConfigFromEnv } from '../../src/composition/host-config-from-env.js';

describe('host tuning from the environment', () => {
  it('reads the context budget in characters, and refuses one too small to hold a turn', () => {
    expect(hostConfigFromEnv({ PODS_CONTEXT_BUDGET: '250000' })).toEqual({ ok: true, value: { contextBudget: 250_000 } });
    expect(hostConfigFromEnv({})).toEqual({ ok: true, value: {} });
    expect(hostConfigFromEnv({ PODS_CONTEXT_BUDGET: '999' })).toEqual({ ok: false, error: 'PODS_CONTEXT_BUDGET must be at least 1000 characters' });
    expect(hostConfigFromEnv({ PODS_CONTEXT_BUDGET: '1e6' })).toEqual({ ok: false, error: 'PODS_CONTEXT_BUDGET "1e6" is not a positive whole number' });
  });
});
