import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { FakeChatServer } from '../model/fake-chat-server.js';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

let model: FakeChatServer | undefined;
const { server, cli } = builtCliInTmux('pods-viewer-e2e');
afterAll(async () => {
  await model?.close();
});

const chunk = (delta: unknown, finish?: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }] })}\n\n`;
const SPIN = '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]';

/** Answers every request with `text` streamed word by word, then holds the stream open (only a cancel ends it). */
function slowStreamingModel(text: string): Promise<FakeChatServer> {
  return FakeChatServer.start((response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const words = text.split(/(?<= )/);
    const next = (): void => {
      if (response.destroyed) return;
      const word = words.shift();
      if (word !== undefined) {
        response.write(chunk({ content: word }));
        setTimeout(next, 10);
      }
    };
    next();
  });
}

describe.skipIf(!HAS_TMUX)(`a turn that \`pods serve\` runs, seen from a TUI in another process (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('shows the host running, its streamed text before the commit, and cancels it with Ctrl+C through the store', async () => {
    model = await slowStreamingModel('Once upon a time, a Pod in another process told a story it never finished');
    const home = await cli().home('tmux-viewer');
    const env = ['env', '-u', 'PODS_DATABASE_URL', `PODS_HOME=${home}`, `PODS_MODEL_URL=${model.baseUrl}`, 'PODS_MODEL=m', process.execPath, cli().main];
    expect((await cli().pods(home, 'create', 'main')).code).toBe(0);
    const serve = await server.open('serve', [...env, 'serve', '--pod', 'main'], { columns: 160, rows: 20 });
    await serve.waitFor(/serving `main` as host_/, 30_000);

    const viewer = await server.open('viewer', [...env, 'tui', '--pod', 'main'], { columns: 80, rows: 30 });
    await viewer.waitFor(/── main · viewing; runs on host host_[0-9a-f]{8}… · idle\nmain> $/m, 30_000);
    await viewer.type('tell me a story');
    await viewer.press('Enter');
    // The other process's turn, live here: its text streams in, the status says it runs, nothing is committed but the input.
    await viewer.waitFor(new RegExp(`#1 \\[you\\] tell me a story\\n│ Once upon a time, a Pod in another process told a story it never finished\\n── main · viewing; runs on host host_[0-9a-f]{8}… · ${SPIN} turn \\d+\\.\\ds\\nmain> $`, 'm'), 20_000);
    expect(await kinds(home)).toEqual(['user_input']);

    await viewer.press('C-c');
    // The end line is printed right after the block turns idle (a write of its own), so the screen is awaited with both.
    const cancelled = await viewer.waitFor(/#2 \[notice turn_cancelled\] the operator cancelled this turn\n[^]*· turn cancelled after 1 step in [\d.]+ m?s\n[^]*── main · viewing; runs on host host_[0-9a-f]{8}… · idle\nmain> $/m, 20_000);
    expect(cancelled).toContain('· asking the host of `main` to cancel its turn');
    expect(cancelled).toMatch(/· host host_[^ ]+ is cancelling the turn: it stops after its current step/);
    expect(cancelled).toMatch(/· turn cancelled after 1 step in [\d.]+ m?s/);
    expect(cancelled).not.toContain('│ Once');
    expect(await kinds(home)).toEqual(['user_input', 'notice']);
    // The host logged it as its own turn.
    await serve.waitFor(/`main` turn cancelled after 1 step\(s\)/);

    // With no turn running, Ctrl+C at the empty prompt is the quit hint, as in a hosting TUI.
    await viewer.press('C-c');
    await viewer.waitFor('· to quit, press Ctrl+C again or Ctrl+D');
    await viewer.press('C-d');
    await viewer.waitFor(/\[exit 0\]/);
    await serve.press('C-c');
    await serve.waitFor(/stopped\n[^]*\[exit 0\]/);
  }, 120_000);
});

async function kinds(home: string): Promise<string[]> {
  const listed = await cli().pods(home, 'history', 'main', '--json');
  expect(listed.code).toBe(0);
  return (JSON.parse(listed.stdout) as HistoryEntry[]).map((e) => e.kind);
}
