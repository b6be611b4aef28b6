import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { buildCli } from '../cli/built-cli.js';

const run = promisify(execFile);

export const HAS_TMUX = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

/**
 * A tmux server of its own (its own socket), so tests neither see nor disturb anyone
 * else's sessions; `kill` ends it and everything it runs.
 */
export function tmuxServer(label: string) {
  const socket = `${label}-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { timeout: 10_000 });

  return {
    /** A terminal (160×50 unless told) running `command` (argv), which prints `[exit N]` when it ends. */
    async open(name: string, command: readonly string[], size: { readonly columns: number; readonly rows: number } = { columns: 160, rows: 50 }) {
      const quoted = command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
      await tmux('new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), '-s', name, `${quoted}; echo "[exit $?]"; sleep 600`);
      const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name)).stdout;
      return {
        screen,
        /** The visible screen with its colour and attribute sequences (`capture-pane -e`). */
        colours: async (): Promise<string> => (await tmux('capture-pane', '-p', '-e', '-J', '-t', name)).stdout,
        /** Closes the terminal, as closing its window does: the program gets SIGHUP. */
        close: async () => void (await tmux('kill-session', '-t', name)),
        /** Types `text` literally, as keys. */
        type: async (text: string) => void (await tmux('send-keys', '-t', name, '-l', text)),
        /** Presses named keys: `Enter`, `Tab`, `C-c`, `C-d`. */
        press: async (...keys: string[]) => void (await tmux('send-keys', '-t', name, ...keys)),
        /** Pastes `text` as a terminal does: bracketed, if the program asked for it; newlines arrive as CR. */
        paste: async (text: string) => {
          await tmux('set-buffer', '-b', `${name}-paste`, '--', text);
          await tmux('paste-buffer', '-p', '-d', '-b', `${name}-paste`, '-t', name);
        },
        /** Resolves with the screen once it shows `text` (or matches it, or satisfies it); rejects after `ms`. */
        async waitFor(text: string | RegExp | ((shown: string) => boolean), ms = 15_000): Promise<string> {
          const until = Date.now() + ms;
          for (;;) {
            const shown = await screen();
            if (typeof text === 'string' ? shown.includes(text) : text instanceof RegExp ? text.test(shown) : text(shown)) return shown;
            if (Date.now() > until) throw new Error(`no ${String(text)} on the screen within ${ms} ms:\n${shown}`);
            await new Promise((r) => setTimeout(r, 25));
          }
        },
      };
    },
    kill: async () => void (await tmux('kill-server').catch(() => undefined)),
  };
}

type BuiltCli = Awaited<ReturnType<typeof buildCli>>;

/**
 * What a tmux suite of the built CLI sets up, once per test file: the CLI built before its
 * tests, a tmux server of its own, and both gone after them; `podsCommand` is `pods …` for a
 * terminal, on the managed store under `home`, never a store from the environment.
 */
export function builtCliInTmux(label: string) {
  let built: BuiltCli | undefined;
  const server = tmuxServer(label);
  beforeAll(async () => {
    built = await buildCli();
  }, 120_000);
  afterAll(async () => {
    await server.kill();
    await built?.dispose();
  });
  const cli = (): BuiltCli => {
    if (!built) throw new Error('the CLI is built before the tests run');
    return built;
  };
  const podsCommand = (home: string, ...args: string[]) => ['env', '-u', 'PODS_DATABASE_URL', `PODS_HOME=${home}`, process.execPath, cli().main, ...args];
  return { server, cli, podsCommand };
}
