import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { FakeChatServer } from '../model/fake-chat-server.js';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

let model: FakeChatServer | undefined;
const { server, cli, podsCommand } = builtCliInTmux('pods-text-e2e');
afterAll(async () => {
  await model?.close();
});
const SPIN = '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]';

describe.skipIf(!HAS_TMUX)(`text as it was written, colour and attention in a real terminal (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('a paste at the (y/N) question answers nothing and creates nothing', async () => {
    const home = await cli().home('tmux-paste-question');
    const tui = await server.open('question', podsCommand(home, 'tui', '--pod', 'fresh'), { columns: 100, rows: 20 });
    await tui.waitFor('pod `fresh` does not exist; create it? (y/N) ', 30_000);
    await tui.paste('yes, create it\n');
    await new Promise((r) => setTimeout(r, 300)); // the paste would answer at once; give it the chance
    expect(await tui.screen()).toMatch(/create it\? \(y\/N\) $/m);
    await tui.press('n');
    await tui.waitFor(/\(y\/N\) n\n[^]*\[exit 1\]/);
    expect((await cli().pods(home, 'ls', '--json')).stdout).not.toContain('fresh');
  }, 60_000);

  it('Alt+Enter starts a new line; committed text shows with its line breaks, in colour unless NO_COLOR; another hosted Pod\'s input and turn are announced', async () => {
    const home = await cli().home('tmux-text');
    const tui = await server.open('text', ['env', '-u', 'NO_COLOR', ...podsCommand(home, 'tui')], { columns: 100, rows: 40 });
    await tui.waitFor(/── main · runs here · idle\nmain> $/m, 30_000);
    await tui.type('Here is the plan:');
    await tui.press('M-Enter');
    await tui.type('1. read the file');
    await tui.press('Enter');
    const shown = await tui.waitFor(/#2 \[assistant\] You said: Here is the plan:\n {4}1\. read the file\n/, 20_000);
    expect(shown).toMatch(/#1 \[you\] Here is the plan:\n {4}1\. read the file\n/);
    const [input] = await history(home, 'main');
    expect(input).toMatchObject({ kind: 'user_input', text: 'Here is the plan:\n1. read the file' });
    expect((await cli().pods(home, 'history', 'main')).stdout).toContain('from the operator: Here is the plan:\n    1. read the file\n');
    const coloured = await tui.colours();
    expect(coloured).toMatch(/\u001b\[[\d;]+m\[you\]/);

    // `main` keeps running here while `b` is on the screen: its input and its turn are each one line.
    expect((await cli().pods(home, 'create', 'b')).code).toBe(0);
    expect((await cli().pods(home, 'peer', 'main', 'b')).code).toBe(0);
    await tui.type(':attach b');
    await tui.press('Enter');
    await tui.waitFor(/── b · runs here · idle\nb> $/m);
    expect((await cli().pods(home, 'tool', 'b', 'SendToPeerPod', JSON.stringify({ name: 'main', message: 'ping' }))).code).toBe(0);
    await tui.waitFor(/· `main` got new input; `:attach main` shows it\n[^]*· `main` finished a turn \(1 step\); `:attach main` shows it\n/, 20_000);
    await tui.press('C-d');
    await tui.waitFor(/\[exit 0\]/);

    const plain = await server.open('text-no-colour', ['env', 'NO_COLOR=1', ...podsCommand(home, 'tui')], { columns: 100, rows: 40 });
    await plain.waitFor(/── main · runs here · idle\nmain> $/m, 30_000);
    expect(await plain.screen()).toMatch(/#1 \[you\] Here is the plan:\n {4}1\. read the file\n/);
    expect(await plain.colours()).not.toMatch(/\u001b\[/);
    await plain.press('C-d');
    await plain.waitFor(/\[exit 0\]/);
  }, 120_000);

  it('Esc cancels a running turn, as Ctrl+C does', async () => {
    model = await FakeChatServer.start((response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'thinking about it' } }] })}\n\n`);
    });
    const home = await cli().home('tmux-esc');
    const tui = await server.open('esc', ['env', `PODS_MODEL_URL=${model.baseUrl}`, 'PODS_MODEL=m', ...podsCommand(home, 'tui')], { columns: 100, rows: 30 });
    await tui.waitFor(/── main · runs here · idle\nmain> $/m, 30_000);
    await tui.type('think forever');
    await tui.press('Enter');
    await tui.waitFor(new RegExp(`│ thinking about it\\n── main · runs here · ${SPIN} turn`, 'm'), 20_000);
    await tui.press('Escape');
    const cancelled = await tui.waitFor(/· turn cancelled after 1 step in [\d.]+ m?s\n── main · runs here · idle\nmain> $/m, 20_000);
    expect(cancelled).toContain('· cancelling the turn: it stops after its current step');
    expect((await history(home, 'main')).map((e) => e.kind)).toEqual(['user_input', 'notice']);
    await tui.press('C-d');
    await tui.waitFor(/\[exit 0\]/);
  }, 90_000);
});

async function history(home: string, pod: string): Promise<HistoryEntry[]> {
  const listed = await cli().pods(home, 'history', pod, '--json');
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as HistoryEntry[];
}
