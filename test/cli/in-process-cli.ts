import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/adapters/cli/run-cli.js';
import { InMemoryProfileCatalog } from '../../src/adapters/profiles/in-memory-profile-catalog.js';
import type { ProfileCatalog } from '../../src/application/ports/profile-catalog.js';
import { openContainer, type OpenedContainer, type StoreConfig } from '../../src/composition/container.js';
import { storeOpener } from '../../src/composition/store-config.js';
import { storeControlFor } from '../../src/composition/store-control.js';

export type CliRun = { readonly code: number; readonly stdout: string; readonly stderr: string };

type Options = {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces opening the store a config names; the default opens one shared in-memory store. */
  readonly open?: (config: StoreConfig) => Promise<OpenedContainer>;
  /** This host's profiles: what `pods profile` changes and `pods create --profile` checks against. */
  readonly profiles?: ProfileCatalog;
  /** What the process found wrong in its `PODS_*` settings (main.ts reads them). */
  readonly settingsProblem?: string;
};

/**
 * Runs `pods` in this process with the real store selection, every run against one
 * in-memory store (as if it were a durable one), counting how often commands open and close it.
 */
export function inProcessCli(options: Options = {}) {
  let shared: Promise<OpenedContainer> | undefined;
  const profiles = options.profiles ?? new InMemoryProfileCatalog();
  const stats = { opened: 0, closed: 0, configs: [] as StoreConfig[] };
  const openShared = async (): Promise<OpenedContainer> => {
    shared ??= openContainer({ kind: 'memory' }, { agents: { home: '/home/op/.pods', env: {}, profiles } });
    return { app: (await shared).app, close: async () => undefined };
  };
  const open = async (config: StoreConfig): Promise<OpenedContainer> => {
    stats.configs.push(config);
    const opened = await (options.open ?? openShared)(config);
    stats.opened += 1;
    return { app: opened.app, close: async () => { stats.closed += 1; await opened.close(); } };
  };
  const source = { env: options.env ?? {}, homedir: '/home/op', cwd: '/home/op/project' };
  const openStore = storeOpener(source, open);
  const storeControl = storeControlFor(source, () => undefined);
  return {
    stats,
    async run(...argv: string[]): Promise<CliRun> {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        cwd: '/home/op/project',
        ...(options.settingsProblem ? { settingsProblem: options.settingsProblem } : {}),
        openStore,
        storeControl,
        profiles: () => profiles,
        io: { stdin: Readable.from([]), stdout: new PassThrough(), onSignal: () => () => undefined },
      });
      return { code, stdout, stderr };
    },
    /** The shared store's app, for seeding what would take many commands. */
    async app() {
      return (await openShared()).app;
    },
    async dispose(): Promise<void> {
      if (shared) await (await shared).close();
    },
  };
}
