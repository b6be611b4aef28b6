import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlWithPassfilePassword } from '../../src/adapters/persistence/postgres/connection/passfile-password.js';

describe('urlWithPassfilePassword', () => {
  let dir: string;
  let passfile: string;
  const env = () => ({ PGPASSFILE: passfile });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pods-passfile-'));
    passfile = join(dir, 'pgpass');
    const lines = [
      '# comments and short lines are skipped',
      'db.example:5432',
      'db.example:5432:pods:ops:first',
      'db.example:5432:pods:ops:second',
      'db.example:6543:*:ops:any\\:db',
      'localhost:5432:pods:local:on-the-socket',
      '*:*:*:back\\\\slash:p:w:colons',
    ];
    await writeFile(passfile, `${lines.join('\n')}\n`, { mode: 0o600 });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('adds the first matching password to a URL that has none', () => {
    expect(urlWithPassfilePassword('postgres://ops@db.example/pods', env())).toBe('postgres://ops:first@db.example/pods');
  });

  it('matches wildcards and unescapes colons and backslashes', () => {
    expect(urlWithPassfilePassword('postgres://ops@db.example:6543/other', env())).toBe('postgres://ops:any%3Adb@db.example:6543/other');
    expect(urlWithPassfilePassword('postgres://back%5Cslash@h/x', env())).toBe('postgres://back%5Cslash:p%3Aw%3Acolons@h/x');
  });

  it('matches a Unix socket directory as localhost', () => {
    expect(urlWithPassfilePassword('postgresql://local@localhost/pods?host=%2Frun%2Fpg', env())).toBe('postgresql://local:on-the-socket@localhost/pods?host=%2Frun%2Fpg');
  });

  it('leaves a URL alone that has a password, when PGPASSWORD is set, or when nothing matches', () => {
    expect(urlWithPassfilePassword('postgres://ops:given@db.example/pods', env())).toBe('postgres://ops:given@db.example/pods');
    expect(urlWithPassfilePassword('postgres://ops@db.example/pods', { ...env(), PGPASSWORD: 'x' })).toBe('postgres://ops@db.example/pods');
    expect(urlWithPassfilePassword('postgres://nobody@db.example/pods', env())).toBe('postgres://nobody@db.example/pods');
  });

  it('ignores a passfile that others may read, as libpq does', async () => {
    const open = join(dir, 'open-pgpass');
    await writeFile(open, 'db.example:5432:pods:ops:leaked\n');
    await chmod(open, 0o644);
    expect(urlWithPassfilePassword('postgres://ops@db.example/pods', { PGPASSFILE: open })).toBe('postgres://ops@db.example/pods');
  });
});
