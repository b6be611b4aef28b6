import { runCli, type CliEnvironment } from '../../src/adapters/cli/run-cli.js';
import { openContainer, type OpenedContainer, type StoreConfig } from '../../src/composition/container.js';

export type CliRun = { readonly code: number; readonly stdout: string; readonly stderr: string };

/**
 * Runs `pods` in this process, every run against one in-memory store (as if it were a
 * durable one), and counts how often commands open and close it.
 */
export function inProcessCli(overrides: Partial<CliEnvironment> = {}) {
  let shared: Promise<OpenedContainer> | undefined;
  const stats = { opened: 0, closed: 0, configs: [] as StoreConfig[] };
  const openStore = async (config: StoreConfig): Promise<OpenedContainer> => {
    stats.configs.push(config);
    shared ??= openContainer({ kind: 'memory' });
    const { container } = await shared;
    stats.opened += 1;
    return { container, close: async () => void (stats.closed += 1) };
  };
  return {
    stats,
    async run(...argv: string[]): Promise<CliRun> {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: {},
        cwd: '/home/op/project',
        homedir: '/home/op',
        openStore,
        ...overrides,
      });
      return { code, stdout, stderr };
    },
    async dispose(): Promise<void> {
      if (shared) await (await shared).close();
    },
  };
}
