import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import { HAS_TMUX, tmuxServer } from './tmux.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
const server = tmuxServer('pods-tui-e2e');
beforeAll(async () => {
  cli = await buildCli();
}, 120_000);
afterAll(async () => {
  await server.kill();
  await cli?.dispose();
});

/** `pods …` in a terminal, on the managed store under `home`, never a store from the environment. */
const podsCommand = (home: string, ...args: string[]) => ['env', '-u', 'PODS_DATABASE_URL', `PODS_HOME=${home}`, process.execPath, cli.main, ...args];

describe.skipIf(!HAS_TMUX)(`pods tui in a real terminal (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('peers two Pods, sends a peer message through a turn, and shows what the operator would see', async () => {
    const home = await cli.home('tmux-scenario');
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
    await tui.waitFor(/main> :pods\nNAME +RELATION +STATUS +DRIVEN BY +RESTORABLE\nb +peer +stopped +- +yes\nmain +self +idle +model +no \(this is the calling Pod\)\n/);

    await tui.type('/tool SendToPeerPod {"name":"b","message":"hello from main"}');
    await tui.press('Enter');
    const sent = await tui.waitFor(/· turn finished after 2 steps in \d+ ms\nmain> $/m);
    expect(sent).toContain([
      '#1 [you] /tool SendToPeerPod {"name":"b","message":"hello from main"}',
      '#2 [tool call SendToPeerPod] {"name":"b","message":"hello from main"}',
      '#3 [tool SendToPeerPod] → ok: sent peer message to `b`; it is stopped and will see it when restored',
      '#4 [assistant] SendToPeerPod → sent peer message to `b`; it is stopped and will see it when restored',
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
    await tui.waitFor('#4 [assistant] You said: still here');

    await tui.press('C-c');
    await tui.waitFor(/quit\? \(y\/N\) $/m);
    await tui.type('y');
    await tui.press('Enter');
    await tui.waitFor(/· quitting: releasing `main`, `b`\n\[exit 0\]/);

    const history = await cli.pods(home, 'history', 'b', '--json');
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'peer_message', from: 'main', body: 'hello from main' }),
      expect.objectContaining({ seq: 2, kind: 'assistant_message' }),
      expect.objectContaining({ seq: 3, kind: 'user_input', text: 'still here' }),
      expect.objectContaining({ seq: 4, kind: 'assistant_message' }),
    ]);
  }, 120_000);

  it('reaches the prompt on the managed store; the time is reported', async () => {
    const home = await cli.home('tmux-start');
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
    const home = await cli.home('piped');
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [cli.main, 'tui'], { env: { ...process.env, PODS_HOME: home, PODS_DATABASE_URL: '' }, timeout: 60_000 }, (error, out, err) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err });
      });
      child.stdin?.end(':new b\n:peer b\n:pods\n');
    });
    expect(code).toBe(0);
    // The first command on a new home says it made the store, on stderr; nothing else is there.
    expect(stderr).toMatch(/^pods: first run: creating the pods store in [^\n]*\npods: store ready in [^\n]*\n$/);
    expect(stdout).toMatch(/peered `main` ↔ `b`\nNAME {2}RELATION {2}STATUS {3}DRIVEN BY {2}RESTORABLE\nb {5}peer {6}stopped {2}- {10}yes\nmain {2}self {6}idle {5}model {6}no \(this is the calling Pod\)\n$/);
    expect(stdout).not.toMatch(/\u001b/);
  }, 60_000);
});
