import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { FakeChatServer } from '../model/fake-chat-server.js';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

let model: FakeChatServer | undefined;
const { server, cli } = builtCliInTmux('pods-dash-e2e');
afterAll(async () => {
  await model?.close();
});

const chunk = (delta: unknown, finish?: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }] })}\n\n`;
const STORY = 'Once upon a time, a Pod streamed a story to every screen';

/** The first request streams STORY and holds (only a cancel or shutdown ends it); later ones answer at once. */
function modelThatHoldsTheFirstTurn(): Promise<FakeChatServer> {
  let first = true;
  return FakeChatServer.start((response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (!first) return void response.end(`${chunk({ content: 'noted' }, 'stop')}data: [DONE]\n\n`);
    first = false;
    const words = STORY.split(/(?<= )/);
    const next = (): void => {
      const word = words.shift();
      if (word === undefined || response.destroyed) return;
      response.write(chunk({ content: word }));
      setTimeout(next, 10);
    };
    next();
  });
}

describe.skipIf(!HAS_TMUX)(`pods dash in a real terminal (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('shows every Pod as a tree, a turn another process runs with its streamed tail, sends a line with s, opens a Pod and comes back; NO_COLOR writes no colour', async () => {
    model = await modelThatHoldsTheFirstTurn();
    const home = await cli().home('tmux-dash');
    const env = ['env', '-u', 'PODS_DATABASE_URL', '-u', 'NO_COLOR', `PODS_HOME=${home}`, `PODS_MODEL_URL=${model.baseUrl}`, 'PODS_MODEL=m', process.execPath, cli().main];
    for (const args of [['create', 'main'], ['create', 'pal'], ['peer', 'main', 'pal']]) expect((await cli().pods(home, ...args)).code).toBe(0);
    const serve = await server.open('serve', [...env, 'serve', '--pod', 'main'], { columns: 160, rows: 20 });
    await serve.waitFor(/serving `main` as host_/, 30_000);

    const dash = await server.open('dash', [...env, 'dash'], { columns: 100, rows: 20 });
    await dash.waitFor(/pods dash · 2 Pods · 0 running\n {2}NAME +STATUS +WHERE +PROFILE +UNSEEN +LAST +NOTES\n> main +idle +[0-9a-f]{8} +default .*⇄ pal\n {2}pal +stopped +— +default .*⇄ main/, 30_000);
    // s: one line to the selected Pod, as the operator's input; the host in the other process runs the turn.
    await dash.press('s');
    await dash.waitFor('send to `main`: ');
    await dash.type('tell me a story');
    await dash.press('Enter');
    const running = await dash.waitFor(new RegExp(`> main +running \\d+s +[0-9a-f]{8} .*\\n {4}│ ${STORY} *\\n`), 20_000);
    expect(running).toMatch(/sent to `main` as #1/);
    expect(await history(home, 'main')).toEqual([expect.objectContaining({ kind: 'user_input', text: 'tell me a story', origin: { type: 'operator' } })]);
    expect(await dash.colours()).toMatch(/\u001b\[/);

    // Enter opens the Pod in the TUI (attached here: no host ran it); Ctrl+D comes back.
    await dash.press('j', 'Enter');
    await dash.waitFor(/· attached to `pal`; it runs in this TUI[^]*Ctrl\+D goes back to the dashboard[^]*pal> $/m, 20_000);
    await dash.press('C-d');
    await dash.waitFor(/pods dash · 2 Pods · 1 running[^]*> pal +idle +here /, 20_000);
    await dash.press('q');
    await dash.waitFor(/\[exit 0\]/);

    const plain = await server.open('dash-no-colour', [...env.slice(0, 5), 'NO_COLOR=1', ...env.slice(5), 'dash'], { columns: 100, rows: 20 });
    await plain.waitFor(/> main +running/, 30_000);
    expect(await plain.colours()).not.toMatch(/\u001b\[/);
    await plain.press('q');
    await plain.waitFor(/\[exit 0\]/);
    await serve.press('C-c');
    await serve.waitFor(/stopped\n[^]*\[exit 0\]/, 20_000);
  }, 150_000);
});

async function history(home: string, pod: string): Promise<HistoryEntry[]> {
  const listed = await cli().pods(home, 'history', pod, '--json');
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as HistoryEntry[];
}
