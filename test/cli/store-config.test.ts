import { describe, expect, it } from 'vitest';
import { describeInvalidStoreUrl, describeStore, storeConfigFrom, type StoreSource } from '../../src/composition/store-config.js';

const source = (overrides: Partial<StoreSource> = {}): StoreSource => ({ env: {}, homedir: '/home/op', cwd: '/srv/work', ...overrides });
const message = (s: StoreSource): string => {
  const r = storeConfigFrom(s);
  return r.ok ? `accepted: ${JSON.stringify(r.value)}` : describeInvalidStoreUrl(r.error);
};

describe('storeConfigFrom', () => {
  it('defaults to the managed server under ~/.pods', () => {
    expect(storeConfigFrom(source())).toEqual({ ok: true, value: { kind: 'managed', home: '/home/op/.pods' } });
  });

  it('puts the default store under PODS_HOME, resolving a relative one against the working directory', () => {
    expect(storeConfigFrom(source({ env: { PODS_HOME: '/data/pods' } }))).toEqual({ ok: true, value: { kind: 'managed', home: '/data/pods' } });
    expect(storeConfigFrom(source({ env: { PODS_HOME: 'state' } }))).toEqual({ ok: true, value: { kind: 'managed', home: '/srv/work/state' } });
  });

  it('treats empty variables as unset', () => {
    expect(storeConfigFrom(source({ env: { PODS_DATABASE_URL: '', PODS_HOME: '' } }))).toEqual({ ok: true, value: { kind: 'managed', home: '/home/op/.pods' } });
  });

  it('selects memory and postgres from --db or PODS_DATABASE_URL', () => {
    expect(storeConfigFrom(source({ db: 'memory' }))).toEqual({ ok: true, value: { kind: 'memory' } });
    expect(storeConfigFrom(source({ env: { PODS_DATABASE_URL: 'memory' } }))).toEqual({ ok: true, value: { kind: 'memory' } });
    for (const url of ['postgres://u:p@127.0.0.1:5432/pods', 'postgresql://localhost/pods', 'postgres:///pods?host=/run/postgresql']) {
      expect(storeConfigFrom(source({ db: url }))).toEqual({ ok: true, value: { kind: 'postgres', url } });
    }
  });

  it('lets --db win over PODS_DATABASE_URL', () => {
    expect(storeConfigFrom(source({ db: 'memory', env: { PODS_DATABASE_URL: 'postgres://h/db' } }))).toEqual({ ok: true, value: { kind: 'memory' } });
  });

  it.each([
    [{ db: 'mysql://h/db' }, '--db: unsupported store mysql://h/db: expected `memory` or a postgres:// URL (leave it unset for the local server under $PODS_HOME)'],
    [{ db: '' }, '--db: empty store URL: expected `memory` or a postgres:// URL (leave it unset for the local server under $PODS_HOME)'],
    [{ db: 'MEMORY' }, '--db: unsupported store MEMORY: expected `memory` or a postgres:// URL (leave it unset for the local server under $PODS_HOME)'],
    [{ db: 'postgres://h:99999/db' }, '--db: unsupported store postgres://h:99999/db: not a valid URL'],
    [{ db: 'pglite:/old/store' }, '--db: unsupported store pglite:/old/store: PGlite is no longer a store; `pods store import-pglite DIR` copies such a store into the default one'],
    [{ env: { PODS_DATABASE_URL: 'file:/tmp/x' } }, 'PODS_DATABASE_URL: unsupported store file:/tmp/x: expected `memory` or a postgres:// URL (leave it unset for the local server under $PODS_HOME)'],
  ])('refuses %j', (overrides, expected) => {
    expect(message(source(overrides))).toBe(expected);
  });

  it('never repeats a password in a message', () => {
    expect(message(source({ db: 'postgres://u:s3cret@h:99999/db' }))).toBe('--db: unsupported store postgres://u:***@h:99999/db: not a valid URL');
    expect(describeStore({ kind: 'postgres', url: 'postgres://u:s3cret@h/db' })).toBe('the PostgreSQL store at postgres://u:***@h/db');
  });
});
