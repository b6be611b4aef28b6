import { describe, expect, it } from 'vitest';
import { DEFAULT_POOL_SIZE, poolSizeFromEnv } from '../../src/adapters/persistence/postgres/connection/pool-size.js';
import { renderGlobalHelp } from '../../src/adapters/cli/render-help.js';

describe('the pool size from the environment', () => {
  it('reads PODS_POOL_SIZE as a whole number of connections from 1 to 100; unset or empty is the default', () => {
    expect(poolSizeFromEnv({})).toEqual({ ok: true, value: undefined });
    expect(poolSizeFromEnv({ PODS_POOL_SIZE: '  ' })).toEqual({ ok: true, value: undefined });
    expect(poolSizeFromEnv({ PODS_POOL_SIZE: '4' })).toEqual({ ok: true, value: 4 });
    expect(poolSizeFromEnv({ PODS_POOL_SIZE: ' 100 ' })).toEqual({ ok: true, value: 100 });
    expect(DEFAULT_POOL_SIZE).toBe(1);
  });

  it('refuses anything else, naming the variable and what it accepts', () => {
    for (const raw of ['0', '101', '-1', '2.5', '1e2', 'ten', '007']) {
      expect(poolSizeFromEnv({ PODS_POOL_SIZE: raw })).toEqual({ ok: false, error: `PODS_POOL_SIZE ${JSON.stringify(raw)} is not a whole number of connections from 1 to 100` });
    }
  });

  it('is listed in --help with the other PODS_* variables', () => {
    // Its description wraps within the help's 80 columns.
    expect(renderGlobalHelp([]).replace(/\s+/g, ' ')).toContain('PODS_POOL_SIZE connections a process\'s pool holds for statements, besides the one a host listens on (default: 1; 1 to 100)');
  });
});
