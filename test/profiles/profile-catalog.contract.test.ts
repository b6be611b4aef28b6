import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import { JsonFileProfileCatalog } from '../../src/adapters/profiles/json-file-profile-catalog.js';
import type { ProfileCatalog } from '../../src/application/ports/profile-catalog.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { scriptedProfile } from '../support/agent-host.js';

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});
const tempHome = async () => {
  const home = await mkdtemp(join(tmpdir(), 'pods-profiles-'));
  homes.push(home);
  return home;
};

const CATALOGS: readonly [string, () => Promise<ProfileCatalog>][] = [
  ['in memory', async () => new InMemoryProfileCatalog()],
  ['$PODS_HOME/profiles.json', async () => new JsonFileProfileCatalog(await tempHome())],
];

for (const [label, open] of CATALOGS) {
  describe(`ProfileCatalog contract: ${label}`, () => {
    it('always has `default` first, the host model, and nothing else until a profile is added', async () => {
      expect(await (await open()).list()).toEqual([{ name: 'default', driver: 'model' }]);
    });

    it('adds, lists by name after `default`, refuses a second profile of a name, and removes', async () => {
      const catalog = await open();
      expect(await catalog.add(scriptedProfile('zed'))).toBe('added');
      expect(await catalog.add(scriptedProfile('alpha', { passEnv: ['ANTHROPIC_API_KEY'], env: { A: 'b' }, idleMs: 5_000 }))).toBe('added');
      expect(await catalog.add(scriptedProfile('zed'))).toBe('exists');
      const listed = await catalog.list();
      expect(listed.map((p) => p.name)).toEqual(['default', 'alpha', 'zed']);
      expect(listed[1]).toEqual(scriptedProfile('alpha', { passEnv: ['ANTHROPIC_API_KEY'], env: { A: 'b' }, idleMs: 5_000 }));
      expect(await catalog.remove(ProfileName.unsafe('zed'))).toBe('removed');
      expect(await catalog.remove(ProfileName.unsafe('zed'))).toBe('missing');
      expect((await catalog.list()).map((p) => p.name)).toEqual(['default', 'alpha']);
    });

    it('never adds or removes `default`', async () => {
      const catalog = await open();
      expect(await catalog.add({ ...scriptedProfile(), name: ProfileName.unsafe('default') })).toBe('exists');
      expect(await catalog.remove(ProfileName.unsafe('default'))).toBe('missing');
    });
  });
}

describe('the profiles file', () => {
  it('is private to its user, and concurrent adds lose nothing', async () => {
    const home = await tempHome();
    const catalogs = Array.from({ length: 8 }, () => new JsonFileProfileCatalog(home));
    await Promise.all(catalogs.map((c, i) => c.add(scriptedProfile(`p${i}`))));
    expect((await catalogs[0]!.list()).map((p) => p.name)).toEqual(['default', ...Array.from({ length: 8 }, (_, i) => `p${i}`)]);
    expect((await stat(join(home, 'profiles.json'))).mode & 0o777).toBe(0o600);
  });

  it('names the file and the problem when it cannot be used', async () => {
    const home = await tempHome();
    await writeFile(join(home, 'profiles.json'), '{ not json');
    await expect(new JsonFileProfileCatalog(home).list()).rejects.toThrow(`${join(home, 'profiles.json')} is not valid JSON; fix it or remove it`);
    await writeFile(join(home, 'profiles.json'), JSON.stringify({ profiles: { bad: { command: '', driver: 'acp' } } }));
    await expect(new JsonFileProfileCatalog(home).list()).rejects.toThrow('profile bad: the command must be a non-empty string');
  });

  it('stores what a user added, readable by the next process', async () => {
    const home = await tempHome();
    await new JsonFileProfileCatalog(home).add(scriptedProfile('claude', { passEnv: ['ANTHROPIC_API_KEY'] }));
    const stored = JSON.parse(await readFile(join(home, 'profiles.json'), 'utf8')) as { profiles: Record<string, { passEnv: string[] }> };
    expect(stored.profiles['claude']?.passEnv).toEqual(['ANTHROPIC_API_KEY']);
  });
});
