import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProfileCatalog } from '../../application/ports/profile-catalog.js';
import { DEFAULT_PROFILE, describeInvalidProfile, parseAcpProfile, type AcpProfile, type Profile } from '../../domain/profile.js';
import type { ProfileName } from '../../domain/profile-name.js';
import { acquirePidFileLock } from '../system/pid-file-lock.js';

export class ProfileFileError extends Error {
  override readonly name = 'ProfileFileError';
}

const IN_PROCESS = new Map<string, Promise<unknown>>();

type FileShape = { readonly profiles: Readonly<Record<string, Omit<AcpProfile, 'name'>>> };

/** 0600 (env values may be keys); read on every `list`; written whole by rename under a lock, so no writer loses. */
export class JsonFileProfileCatalog implements ProfileCatalog {
  readonly path: string;

  constructor(private readonly home: string) {
    this.path = join(home, 'profiles.json');
  }

  async list(): Promise<readonly Profile[]> {
    const profiles = await this.read();
    return [DEFAULT_PROFILE, ...profiles.sort((a, b) => (a.name < b.name ? -1 : 1))];
  }

  async add(profile: AcpProfile): Promise<'added' | 'exists'> {
    return this.change((profiles) => {
      if (profile.name === DEFAULT_PROFILE.name || profiles.some((p) => p.name === profile.name)) return { outcome: 'exists' };
      return { outcome: 'added', profiles: [...profiles, profile] };
    });
  }

  async remove(name: ProfileName): Promise<'removed' | 'missing'> {
    return this.change((profiles) => {
      const rest = profiles.filter((p) => p.name !== name);
      return rest.length === profiles.length ? { outcome: 'missing' } : { outcome: 'removed', profiles: rest };
    });
  }

  private async read(): Promise<AcpProfile[]> {
    let text: string;
    try {
      const info = await lstat(this.path);
      if (!info.isFile()) throw new ProfileFileError(`${this.path} is not a regular file; remove it`);
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ProfileFileError(`${this.path} is not valid JSON; fix it or remove it (\`pods profile add\` writes it anew)`);
    }
    const entries = (parsed as Partial<FileShape> | null)?.profiles;
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw new ProfileFileError(`${this.path} has no "profiles" object; fix it or remove it`);
    }
    return Object.entries(entries).map(([name, raw]) => {
      const profile = parseAcpProfile({ ...(raw as object), name } as Parameters<typeof parseAcpProfile>[0]);
      if (!profile.ok) throw new ProfileFileError(`${this.path}: ${describeInvalidProfile(profile.error)}`);
      return profile.value;
    });
  }

  private change<O extends string>(edit: (profiles: readonly AcpProfile[]) => { readonly outcome: O; readonly profiles?: readonly AcpProfile[] }): Promise<O> {
    // The lock file tells processes apart; changes within one process wait their turn here.
    const previous = IN_PROCESS.get(this.path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.changeLocked(edit));
    IN_PROCESS.set(this.path, next);
    void next.finally(() => {
      if (IN_PROCESS.get(this.path) === next) IN_PROCESS.delete(this.path);
    }).catch(() => undefined);
    return next;
  }

  private async changeLocked<O extends string>(edit: (profiles: readonly AcpProfile[]) => { readonly outcome: O; readonly profiles?: readonly AcpProfile[] }): Promise<O> {
    await mkdir(this.home, { recursive: true, mode: 0o700 });
    const lock = await acquirePidFileLock(`${this.path}.lock`, {
      waitMs: 10_000,
      held: ({ pid }) => new ProfileFileError(`another pods process (pid ${pid}) is changing ${this.path}; try again`),
    });
    try {
      const { outcome, profiles } = edit(await this.read());
      if (profiles) await this.write(profiles);
      return outcome;
    } finally {
      await lock.release();
    }
  }

  private async write(profiles: readonly AcpProfile[]): Promise<void> {
    const shape: FileShape = { profiles: Object.fromEntries(profiles.map(({ name, ...rest }) => [name, rest])) };
    const temp = join(this.home, `.profiles.json.${randomUUID()}`);
    try {
      await writeFile(temp, `${JSON.stringify(shape, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
