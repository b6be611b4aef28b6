import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

const { server, cli, podsCommand } = builtCliInTmux('pods-tui-e2e');


describe.skipIf(!HAS_TMUX)(`pods tui in a real terminal (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('peers two Pods, sends a peer message through a turn, and shows what the operator would see', async () => {
    const home = await cli().home('tmux-scenario');
    const tui = await server.open('scenario', podsCommand(home, 'tui'));
    await tui.waitFor(/· attached to `main`; it runs in this TUI \(0 history entries\)\n[^]*main> $/m);

    for (const [line, shown] of [
      [':new b', 'created pod `b` with scope write:'],
      [':attach main', 'already attached to `main`'],
      [':peer b', 'peered `main` ↔ `b`'],
    ] as const) {
      await tui.type(line);
      await tui.press('Enter');
      await tui.waitFor(`main> ${line}\n${shown}`);
    }
    await tui.type(':pods');
    await tui.press('Enter');
    await tui.waitFor(/main> :pods\nNAME +RELATION +STATUS +PROFILE +DRIVEN BY +RESTORABLE\nb +peer +stopped +default +- +yes\nmain +self +idle +default +model +no \(this is the calling Pod\)\n/);

    await tui.type('/tool SendToPeerPod {"name":"b","message":"hello from main"}');
    await tui.press('Enter');
    const sent = await tui.waitFor(/· turn finished after 2 steps in \d+ ms\n── main · runs here · idle\nmain> $/m);
    expect(sent).toContain([
      '#1 [you] /tool SendToPeerPod {"name":"b","message":"hello from main"}',
      '#2 [tool call SendToPeerPod] {"name":"b","message":"hello from main"}',
      '#3 [tool SendToPeerPod] → ok: sent peer message to `b`; no host runs it now; it sees the message when restored',
      '#4 [assistant] SendToPeerPod → sent peer message to `b`; no host runs it now; it sees the message when restored',
    ].join('\n'));
    // The typed line left the screen; only the committed entry shows it.
    expect(sent).not.toContain('main> /tool');

    // Tab completes the command, then the Pod; b's history shows the message from `main`, and b answers it.
    await tui.type(':att');
    await tui.press('Tab');
    await tui.waitFor(/main> :attach $/m);
    await tui.type('b');
    await tui.press('Tab', 'Enter');
    const onB = await tui.waitFor('#2 [assistant] Received peer message #1 from `main`: hello from main');
    expect(onB).toContain('· attached to `b`; it runs in this TUI (1 history entry)\n#1 [peer main] hello from main\n');

    // The picker owns the terminal, then readline has it back.
    await tui.type(':unpeer');
    await tui.press('Enter');
    await tui.waitFor('? Unpeer `b` from');
    await tui.press('Enter');
    await tui.waitFor('`b` and `main` are no longer peers');
    await tui.type('still here');
    await tui.press('Enter');
    // The turn over, not only its answer shown: Ctrl+C during a turn cancels it instead.
    await tui.waitFor(/#4 \[assistant\] You said: still here\n· turn finished[^\n]*\n── b · runs here · idle\nb> $/m);

    await tui.press('C-c');
    await tui.waitFor(/· to quit, press Ctrl\+C again or Ctrl\+D \(or type `:quit`\)\n── b · runs here · idle\nb> $/m);
    await tui.press('C-c');
    await tui.waitFor(/· quitting: releasing `main`, `b`\n\[exit 0\]/);

    const history = await cli().pods(home, 'history', 'b', '--json');
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'peer_message', from: 'main', body: 'hello from main' }),
      expect.objectContaining({ seq: 2, kind: 'assistant_message' }),
      expect.objectContaining({ seq: 3, kind: 'user_input', text: 'still here' }),
      expect.objectContaining({ seq: 4, kind: 'assistant_message' }),
    ]);
  }, 120_000);

  it('gives every key to the picker while it is open: arrows, letters, Esc and Enter never reach the prompt', async () => {
    const home = await cli().home('tmux-picker');
    const tui = await server.open('picker', podsCommand(home, 'tui'));
    await tui.waitFor(/main> $/m, 30_000);
    await tui.type('first line');
    await tui.press('Enter');
    await tui.waitFor(/· turn finished after 1 step in \d+ ms\n── main · runs here · idle\nmain> $/m);
    for (const line of [':new b', ':new c']) {
      await tui.type(line);
      await tui.press('Enter');
      await tui.waitFor(`main> ${line}\ncreated pod`);
    }
    // Up, Up would recall `:new b` into the prompt; `xyz` would land there; Esc closes the picker.
    await tui.type(':peer');
    await tui.press('Enter');
    await tui.waitFor('? Peer `main` with');
    await tui.press('Up', 'Up');
    await tui.type('xyz');
    await tui.press('Escape');
    await tui.waitFor(/nothing picked; nothing changed\n── main · runs here · idle\nmain> $/m);
    await tui.type(':pods');
    await tui.press('Enter');
    await tui.waitFor(/main> :pods\nNAME +RELATION +STATUS +PROFILE +DRIVEN BY +RESTORABLE\nmain +self +idle +default +model +no \(this is the calling Pod\)\n── main · runs here · idle\nmain> $/m);

    // Down, Up, Down moves to `c`; the Enter that picks it submits no line.
    await tui.type(':peer');
    await tui.press('Enter');
    await tui.waitFor(/\? Peer `main` with ›[^\n]*\n❯ +b\n +c\n/);
    await tui.press('Down', 'Up', 'Down');
    await tui.press('Enter');
    const peered = await tui.waitFor(/peered `main` ↔ `c`\n── main · runs here · idle\nmain> $/m);
    expect(peered).not.toMatch(/xyz|#3 \[you\]|already exists/);

    await tui.press('C-d');
    await tui.waitFor('[exit 0]');
    const history = await cli().pods(home, 'history', 'main', '--json');
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'user_input', text: 'first line' }),
      expect.objectContaining({ seq: 2, kind: 'assistant_message', text: 'You said: first line' }),
    ]);
  }, 120_000);

  it('closes the picker on Ctrl+C and nothing else: no quit, no hint, the next command runs', async () => {
    const home = await cli().home('tmux-picker-ctrl-c');
    const tui = await server.open('picker-c', podsCommand(home, 'tui'));
    await tui.waitFor(/main> $/m, 30_000);
    await tui.type(':new b');
    await tui.press('Enter');
    await tui.waitFor('created pod `b`');
    for (let round = 1; round <= 2; round++) {
      await tui.type(':peer');
      await tui.press('Enter');
      await tui.waitFor((shown) => shown.split('Peer `main` with ›').length - 1 === round && shown.includes('? Peer `main` with ›'));
      await tui.press('C-c');
      await tui.waitFor((shown) => shown.split('nothing picked; nothing changed\n').length - 1 === round && /nothing changed\n── main · runs here · idle\nmain> $/m.test(shown));
    }
    await tui.type('still here');
    await tui.press('Enter');
    const shown = await tui.waitFor(/#2 \[assistant\] You said: still here\n· turn finished[^\n]*\n── main · runs here · idle\nmain> $/m);
    expect(shown).not.toMatch(/quit\?|to quit|quitting|\[exit/);
    await tui.type(':pods');
    await tui.press('Enter');
    await tui.waitFor(/main> :pods\nNAME[^\n]*\nmain +self/);
    await tui.press('C-d');
    await tui.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);
  }, 120_000);

  it('takes a bracketed paste as one message, never as commands, whatever its lines start with', async () => {
    const home = await cli().home('tmux-paste');
    const tui = await server.open('paste', podsCommand(home, 'tui'));
    await tui.waitFor(/main> $/m, 30_000);
    await tui.type('see: ');
    await tui.paste('hello paste\n:quit\n:new x\n');
    await tui.waitFor(/· pasted 3 lines as one message "see: hello paste\\n:quit\\n:new x\\n"; Enter sends it[^\n]*\n── main · runs here · idle\nmain \[paste: 3 lines\]> $/m);
    await tui.press('Enter');
    await tui.waitFor(/#1 \[you\] see: hello paste\n    :quit\n    :new x\n#2 \[assistant\] You said: see: hello paste\n    :quit\n    :new x\n· turn finished[^\n]*\n── main · runs here · idle\nmain> $/m);

    // Ctrl+C discards a paste that waits for Enter.
    await tui.paste('never\nsent');
    await tui.waitFor('main [paste: 2 lines]> ');
    await tui.press('C-c');
    await tui.waitFor(/· paste discarded; nothing was sent\n── main · runs here · idle\nmain> $/m);

    await tui.type(':attach x');
    await tui.press('Enter');
    await tui.waitFor('! pod `x` does not exist');
    await tui.press('C-u');
    await tui.type('still running');
    await tui.press('Enter');
    await tui.waitFor('#4 [assistant] You said: still running');
    await tui.press('C-d');
    await tui.waitFor('[exit 0]');

    const history = await cli().pods(home, 'history', 'main', '--json');
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'user_input', text: 'see: hello paste\n:quit\n:new x' }),
      expect.objectContaining({ seq: 2, kind: 'assistant_message' }),
      expect.objectContaining({ seq: 3, kind: 'user_input', text: 'still running' }),
      expect.objectContaining({ seq: 4, kind: 'assistant_message' }),
    ]);
    const x = await cli().pods(home, 'history', 'x');
    expect(x.code).not.toBe(0);
  }, 120_000);

  it('clears a half-typed line on Ctrl+C; at an empty prompt says how to quit, and a second Ctrl+C quits with 0', async () => {
    const home = await cli().home('tmux-ctrl-c');
    const tui = await server.open('ctrl-c', podsCommand(home, 'tui'));
    await tui.waitFor(/main> $/m, 30_000);
    await tui.type('half typed');
    await tui.waitFor(/main> half typed$/m);
    await tui.press('C-c');
    await tui.waitFor((shown) => /main> $/m.test(shown) && !shown.includes('half typed'));
    await tui.press('C-c');
    await tui.waitFor(/· to quit, press Ctrl\+C again or Ctrl\+D \(or type `:quit`\)\n── main · runs here · idle\nmain> $/m);
    await tui.press('C-c');
    const shown = await tui.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);
    expect(shown).not.toContain('half typed');
    const history = await cli().pods(home, 'history', 'main', '--json');
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([]);
  }, 120_000);

  it('reaches the prompt on the managed store; the time is reported', async () => {
    const home = await cli().home('tmux-start');
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      const tui = await server.open(`start${i}`, podsCommand(home, 'tui'));
      await tui.waitFor(/main> $/m, 30_000);
      times.push(Date.now() - started);
      await tui.press('C-d');
      await tui.waitFor('[exit 0]');
    }
    // The first run creates the store (initdb, server start); the others connect to the running server.
    const warm = times.slice(1).sort((a, b) => a - b);
    const p50 = warm[Math.floor(warm.length / 2)] ?? Number.NaN;
    console.log(`pods tui start to prompt on the managed store: first run (new store) ${times[0]} ms; server running p50 ${p50} ms of ${warm.join(', ')} ms`);
    expect(p50).toBeLessThan(10_000);
  }, 180_000);
});

describe('pods tui from a pipe, built', () => {
  it('prints the table for `printf \':new b\\n:peer b\\n:pods\\n\' | pods tui` and exits 0', async () => {
    const home = await cli().home('piped');
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [cli().main, 'tui'], { env: { ...process.env, PODS_HOME: home, PODS_DATABASE_URL: '' }, timeout: 60_000 }, (error, out, err) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err });
      });
      child.stdin?.end(':new b\n:peer b\n:pods\n');
    });
    expect(code).toBe(0);
    // The first command on a new home says it made the store, on stderr; nothing else is there.
    expect(stderr).toMatch(/^pods: first run: creating the pods store in [^\n]*\npods: store ready in [^\n]*\n$/);
    expect(stdout).toMatch(/peered `main` ↔ `b`\nNAME {2}RELATION {2}STATUS {3}PROFILE {2}DRIVEN BY {2}RESTORABLE\nb {5}peer {6}stopped {2}default {2}- {10}yes\nmain {2}self {6}idle {5}default {2}model {6}no \(this is the calling Pod\)\n$/);
    expect(stdout).not.toMatch(/\u001b/);
  }, 60_000);
});
