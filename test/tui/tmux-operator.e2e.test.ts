import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

const { server, cli, podsCommand } = builtCliInTmux('pods-tui-operator');


describe.skipIf(!HAS_TMUX)(`the operator's TUI in a real terminal (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('a viewing TUI takes the Pod over when its host quits, and answers what is typed in it', async () => {
    const home = await cli().home('tmux-takeover');
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
    await viewer.waitFor(/── main · viewing; runs on host host_[^ ]+ · idle\nmain> $/m);

    await host.press('C-d');
    await host.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);
    await viewer.waitFor(/· `main`'s host left; it runs in this TUI now\n── main · runs here · idle\nmain> $/m, 20_000);

    await viewer.type('who answers now?');
    await viewer.press('Enter');
    await viewer.waitFor(/#1 \[you\] who answers now\?\n#2 \[assistant\] You said: who answers now\?\n/, 20_000);
    await viewer.type(':restore main');
    await viewer.press('Enter');
    await viewer.waitFor('`main` is the attached Pod and already runs in this TUI');
    await viewer.press('C-d');
    await viewer.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);

    const history = await cli().pods(home, 'history', 'main', '--json');
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'user_input', text: 'who answers now?' }),
      expect.objectContaining({ seq: 2, kind: 'assistant_message' }),
    ]);
  }, 150_000);

  it('answers, once it takes the Pod over, what was typed while it only viewed it', async () => {
    const home = await cli().home('tmux-takeover-unanswered');
    // `pods mcp` holds the lease and runs no turn: a message to the Pod waits for its agent.
    const mcp = await server.open('mcp-host', podsCommand(home, 'mcp', '--pod', 'main', '--create'));
    await mcp.waitFor(/serving `main` over stdio as host_/, 30_000);
    const viewer = await server.open('viewer-2', podsCommand(home, 'tui'));
    await viewer.waitFor(/· viewing `main`: it runs on host [^\n]*\n[^]*main> $/m, 30_000);
    await viewer.type('are you there?');
    await viewer.press('Enter');
    const waiting = await viewer.waitFor(/#1 \[you\] are you there\?\n/);
    expect(waiting).not.toContain('#2 [assistant]');

    await mcp.press('C-c');
    await mcp.waitFor('[exit 0]');
    // The turn's end line too: Ctrl+D before it would print it after the quitting line.
    await viewer.waitFor(/· `main`'s host left; it runs in this TUI now\n[^]*#2 \[assistant\] You said: are you there\?\n· turn finished after 1 step/, 20_000);
    await viewer.press('C-d');
    await viewer.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);
  }, 120_000);

  it('asks before creating a Pod named with --pod that does not exist: only y creates it', async () => {
    const home = await cli().home('tmux-ask');
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
    const ls = await cli().pods(home, 'ls', '--json');
    expect(JSON.parse(ls.stdout).map((p: { name: string }) => p.name)).toEqual(['fresh']);
  }, 120_000);

  it('recalls lines typed in an earlier run on the same PODS_HOME, with Up and with Ctrl+R', async () => {
    const home = await cli().home('tmux-recall');
    const first = await server.open('recall-1', podsCommand(home, 'tui'));
    await first.waitFor(/main> $/m, 30_000);
    for (const [line, shown] of [['remember the milk', '#2 [assistant] You said: remember the milk'], [':new b', 'created pod `b`'], [' not kept', '#4 [assistant] You said:  not kept']] as const) {
      await first.type(line);
      await first.press('Enter');
      await first.waitFor(shown);
    }
    await first.paste('a pasted\nsecret');
    await first.press('Enter');
    await first.waitFor('#6 [assistant] You said: a pasted');
    await first.press('C-d');
    await first.waitFor('[exit 0]');
    const file = join(home, 'tui-history');
    expect(await readFile(file, 'utf8')).toBe('"remember the milk"\n":new b"\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await server.open('recall-2', podsCommand(home, 'tui'));
    await second.waitFor(/main> $/m, 30_000);
    await second.press('Up');
    await second.waitFor(/main> :new b$/m);
    await second.press('Up');
    await second.waitFor(/main> remember the milk$/m);
    await second.press('C-u');
    await second.waitFor((shown) => /main> $/m.test(shown) && !/main> remember/.test(shown));

    // Ctrl+R: the search owns the keys; Enter puts the match into the line, and sends nothing.
    await second.type('half');
    await second.press('C-r');
    await second.waitFor(/^\(reverse-i-search\)'': $/m);
    await second.type('mil');
    await second.waitFor(/^\(reverse-i-search\)'mil': remember the milk$/m);
    await second.press('Enter');
    await second.waitFor(/main> remember the milk$/m);
    // Esc gives back the line as it was.
    await second.press('C-r');
    await second.type('new');
    await second.waitFor(/^\(reverse-i-search\)'new': :new b$/m);
    await second.type('zz');
    await second.waitFor(/^\(failed reverse-i-search\)'newzz': :new b$/m);
    await second.press('Escape');
    await second.waitFor(/main> remember the milk$/m);
    await second.press('Enter');
    await second.waitFor(/#8 \[assistant\] You said: remember the milk\n/);
    await second.press('C-d');
    await second.waitFor('[exit 0]');
    const history = await cli().pods(home, 'history', 'main', '--json');
    const typed = (JSON.parse(history.stdout) as { kind: string; text?: string }[]).filter((e) => e.kind === 'user_input').map((e) => e.text);
    expect(typed).toEqual(['remember the milk', ' not kept', 'a pasted\nsecret', 'remember the milk']);
  }, 150_000);

  it('composes one message of several lines in $EDITOR with :edit; an empty file or a failed editor sends nothing', async () => {
    const home = await cli().home('tmux-edit');
    // A fake editor: it writes what its mode file says into the file it is given, or fails.
    const editor = join(home, 'fake-editor.sh');
    const mode = join(home, 'editor-mode');
    await writeFile(editor, `#!/bin/sh\ncase "$(cat '${mode}')" in\n  text) printf 'first line\\n:quit\\nthird line\\n\\n' > "$1" ;;\n  fail) exit 3 ;;\n  read) printf 'editor> '; IFS= read -r line; printf '%s\\n' "$line" > "$1" ;;\n  *) : ;;\nesac\n`);
    await chmod(editor, 0o755);
    const tui = await server.open('edit', ['env', '-u', 'VISUAL', `EDITOR=${editor}`, ...podsCommand(home, 'tui')]);
    await tui.waitFor(/main> $/m, 30_000);

    await writeFile(mode, 'empty');
    await tui.type(':edit');
    await tui.press('Enter');
    await tui.waitFor(/· the file was empty; nothing was sent\n── main · runs here · idle\nmain> $/m);
    await writeFile(mode, 'fail');
    await tui.type(':edit');
    await tui.press('Enter');
    await tui.waitFor(/! `[^`]*fake-editor.sh` exited with status 3; nothing was sent\n── main · runs here · idle\nmain> $/m);

    await writeFile(mode, 'text');
    await tui.type(':edit');
    await tui.press('Enter');
    await tui.waitFor(/· wrote 3 lines as one message "first line\\n:quit\\nthird line"; Enter sends it[^\n]*\n── main · runs here · idle\nmain \[paste: 3 lines\]> $/m);
    await tui.press('Enter');
    await tui.waitFor(/#1 \[you\] first line\n    :quit\n    third line\n#2 \[assistant\] You said: first line\n    :quit\n    third line\n· turn finished[^\n]*\n── main · runs here · idle\nmain> $/m);
    // The editor gets the keys, in cooked mode (its read ends at Enter), and readline none of them.
    await writeFile(mode, 'read');
    await tui.type(':edit');
    await tui.press('Enter');
    await tui.waitFor(/editor> $/m);
    await tui.type('typed in the editor');
    await tui.press('Enter');
    await tui.waitFor(/· wrote 1 line as one message typed in the editor; Enter sends it[^\n]*\n── main · runs here · idle\nmain \[paste: 1 line\]> $/m);
    await tui.press('C-c');
    await tui.waitFor(/· paste discarded; nothing was sent\n── main · runs here · idle\nmain> $/m);
    // Ctrl+C in the editor is the editor's: the terminal signals the TUI too, which ignores it.
    await tui.type(':edit');
    await tui.press('Enter');
    await tui.waitFor((shown) => shown.split('editor> ').length === 3);
    await tui.press('C-c');
    const interrupted = await tui.waitFor(/! `[^`]*fake-editor.sh` exited with SIGINT; nothing was sent\n── main · runs here · idle\nmain> $/m);
    expect(interrupted).not.toMatch(/to quit|quitting|\[exit/);
    // The keyboard is readline's again.
    await tui.type('after the editor');
    await tui.press('Enter');
    // The turn's end line too: Ctrl+D before it would print it after the quitting line.
    await tui.waitFor(/#4 \[assistant\] You said: after the editor\n· turn finished after 1 step/);
    await tui.press('C-d');
    await tui.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);
    const history = await cli().pods(home, 'history', 'main', '--json');
    const typed = (JSON.parse(history.stdout) as { kind: string; text?: string }[]).filter((e) => e.kind === 'user_input').map((e) => e.text);
    expect(typed).toEqual(['first line\n:quit\nthird line', 'after the editor']);
  }, 120_000);

  it('prints the last 10 entries on attaching, and reads older ones with :older until #1', async () => {
    const home = await cli().home('tmux-older');
    const tui = await server.open('older', podsCommand(home, 'tui'));
    await tui.waitFor(/main> $/m, 30_000);
    for (const n of [1, 2, 3, 4, 5, 6]) {
      await tui.type(`m${n}`);
      await tui.press('Enter');
      await tui.waitFor(new RegExp(`#${2 * n} \\[assistant\\] You said: m${n}\n· turn finished[^\n]*\n── main · runs here · idle\nmain> $`, 'm'));
    }
    for (const [line, shown] of [[':new b', 'created pod `b`'], [':attach b', '· attached to `b`'], [':attach main', '· attached to `main`; it runs in this TUI (12 history entries, the last 10 below)\n#3 [you] m2\n']] as const) {
      await tui.type(line);
      await tui.press('Enter');
      await tui.waitFor(shown);
    }
    await tui.waitFor(/#12 \[assistant\] You said: m6\n── main · runs here · idle\nmain> $/m);
    await tui.type(':older 1');
    await tui.press('Enter');
    await tui.waitFor(/main> :older 1\n#2 \[assistant\] You said: m1\n── main · runs here · idle\nmain> $/m);
    await tui.type(':older');
    await tui.press('Enter');
    await tui.waitFor(/main> :older\n#1 \[you\] m1\n── main · runs here · idle\nmain> $/m);
    await tui.type(':older');
    await tui.press('Enter');
    await tui.waitFor(/main> :older\n· nothing older: #1 is the first entry of `main`\n── main · runs here · idle\nmain> $/m);
    await tui.type(':older 5000');
    await tui.press('Enter');
    await tui.waitFor(/! :older: n must be at most 1000, got "5000"; `:older` pages back from there, `pods history NAME` prints a whole history\n── main · runs here · idle\nmain> :older 5000$/m);
    await tui.press('C-u', 'C-d');
    await tui.waitFor(/· quitting: releasing `main`, `b`\n\[exit 0\]/);
  }, 120_000);
});
