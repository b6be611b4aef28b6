import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { HAS_TMUX, tmuxServer } from './tmux.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
const server = tmuxServer('pods-tui-operator');
beforeAll(async () => {
  cli = await buildCli();
}, 120_000);
afterAll(async () => {
  await server.kill();
  await cli?.dispose();
});

/** `pods …` in a terminal, on the managed store under `home`, never a store from the environment. */
const podsCommand = (home: string, ...args: string[]) => ['env', '-u', 'PODS_DATABASE_URL', `PODS_HOME=${home}`, process.execPath, cli.main, ...args];

describe.skipIf(!HAS_TMUX)(`the operator's TUI in a real terminal (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('a viewing TUI takes the Pod over when its host quits, and answers what is typed in it', async () => {
    const home = await cli.home('tmux-takeover');
    const host = await server.open('host', podsCommand(home, 'tui'));
    await host.waitFor(/· attached to `main`; it runs in this TUI[^\n]*\n[^]*main> $/m, 30_000);
    const viewer = await server.open('viewer', podsCommand(home, 'tui'));
    await viewer.waitFor(/· viewing `main`: it runs on host [^;]+; [^\n]*this TUI takes it over if that host leaves[^\n]*\n[^]*main> $/m, 30_000);

    // While the other TUI runs it, neither :attach nor :restore of itself misleads.
    await viewer.type(':attach main');
    await viewer.press('Enter');
    await viewer.waitFor(/main> :attach main\n· still viewing `main`: it runs on host /);
    await viewer.type(':restore main');
    await viewer.press('Enter');
    const asked = await viewer.waitFor(/main> :restore main\n· still viewing `main`: it runs on host /);
    expect(asked).not.toMatch(/already attached|cannot restore itself/);

    await host.press('C-d');
    await host.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);
    await viewer.waitFor(/· `main`'s host left; it runs in this TUI now\nmain> $/m, 20_000);

    await viewer.type('who answers now?');
    await viewer.press('Enter');
    await viewer.waitFor(/#1 \[you\] who answers now\?\n#2 \[assistant\] You said: who answers now\?\n/, 20_000);
    await viewer.type(':restore main');
    await viewer.press('Enter');
    await viewer.waitFor('`main` is the attached Pod and already runs in this TUI');
    await viewer.press('C-d');
    await viewer.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);

    const history = await cli.pods(home, 'history', 'main', '--json');
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'user_input', text: 'who answers now?' }),
      expect.objectContaining({ seq: 2, kind: 'assistant_message' }),
    ]);
  }, 150_000);

  it('asks before creating a Pod named with --pod that does not exist: only y creates it', async () => {
    const home = await cli.home('tmux-ask');
    const typo = await server.open('ask-no', podsCommand(home, 'tui', '--pod', 'mian'));
    await typo.waitFor(/pod `mian` does not exist; create it\? \(y\/N\) $/m, 30_000);
    await typo.press('Enter');
    await typo.waitFor(/\(y\/N\) n\npods tui: pod `mian` does not exist; nothing was created \(`pods create mian` or --create creates it\)\n\[exit 1\]/);

    const fresh = await server.open('ask-yes', podsCommand(home, 'tui', '--pod', 'fresh'));
    await fresh.waitFor('create it? (y/N) ', 30_000);
    await fresh.type('y');
    await fresh.waitFor(/\(y\/N\) y\n· created pod `fresh` with scope write:[^\n]*\n[^]*· attached to `fresh`; it runs in this TUI \(0 history entries\)\n[^]*fresh> $/m);
    // The keyboard is readline's again: a line typed now is a message, answered.
    await fresh.type('hello fresh');
    await fresh.press('Enter');
    await fresh.waitFor('#2 [assistant] You said: hello fresh');
    await fresh.press('C-d');
    await fresh.waitFor('[exit 0]');
    const ls = await cli.pods(home, 'ls', '--json');
    expect(JSON.parse(ls.stdout).map((p: { name: string }) => p.name)).toEqual(['fresh']);
  }, 120_000);
});
