import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { FakeChatServer, type Received } from '../model/fake-chat-server.js';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

let model: FakeChatServer | undefined;
const { server, cli } = builtCliInTmux('pods-live-turn-e2e');
afterAll(async () => {
  await model?.close();
});

const chunk = (delta: unknown, finish?: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }] })}\n\n`;
const SPIN = '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]';

/**
 * A streaming chat-completions server: each request is answered by the next script, which
 * writes server-sent events on its own schedule (and may hold the stream open).
 */
type Script = (response: ServerResponse, received: Received) => void;
async function streamingModel(scripts: Script[]): Promise<FakeChatServer> {
  return FakeChatServer.start((response, received) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const next = scripts.shift();
    if (next) next(response, received);
    else response.end(`${chunk({ content: 'no more scripts' }, 'stop')}data: [DONE]\n\n`);
  });
}

/** Writes `frames` one by one, `pauseMs` apart, then `then` (end, or hold open). */
function frames(response: ServerResponse, parts: readonly string[], pauseMs: number, then: () => void): void {
  let i = 0;
  const next = () => {
    if (response.destroyed) return;
    if (i === parts.length) return then();
    response.write(parts[i++]);
    setTimeout(next, pauseMs);
  };
  next();
}

describe.skipIf(!HAS_TMUX)(`a streamed turn in a real terminal (tmux, 80 columns)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('shows streamed text before the step commits, the tool while it runs, then the committed entries; Ctrl+C cancels a streaming turn', async () => {
    let releaseStory: () => void = () => undefined;
    const story = 'Once upon a time, in a store far away, there was a Pod that wrote its history down one entry at a time, and never lost a word.';
    model = await streamingModel([
      // Step 1: text in split frames, then the stream waits until the test has looked.
      (response) => {
        const sse = `${chunk({ role: 'assistant', content: '' })}${chunk({ content: story.slice(0, 40) })}: keep-alive\n\n${chunk({ content: story.slice(40) })}`;
        frames(response, sse.match(/[^]{1,23}/g) ?? [], 5, () => {
          releaseStory = () => frames(response, [
            chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'ListPods', arguments: '' } }] }),
            chunk({ tool_calls: [{ index: 0, function: { arguments: '{"wait_ms":' } }] }),
            chunk({ tool_calls: [{ index: 0, function: { arguments: ' 30000}' } }] }, 'tool_calls'),
            'data: [DONE]\n\n',
          ], 5, () => response.end());
        });
      },
      // Step 2: the end of the story, no [DONE] (the stream just ends).
      (response) => frames(response, [chunk({ content: 'The end.' }, 'stop')], 5, () => response.end()),
      // The next turn streams and never finishes: only Ctrl+C ends it.
      (response) => frames(response, [chunk({ content: 'thinking about it' })], 5, () => undefined),
    ]);
    const home = await cli().home('tmux-live-turn');
    const command = ['env', '-u', 'PODS_DATABASE_URL', `PODS_HOME=${home}`, `PODS_MODEL_URL=${model.baseUrl}`, 'PODS_MODEL=m', process.execPath, cli().main, 'tui'];
    const tui = await server.open('live', command, { columns: 80, rows: 40 });
    await tui.waitFor(/── main · runs here · idle\nmain> $/m, 30_000);

    await tui.type('tell me a story');
    await tui.press('Enter');
    // Streamed and wrapped at 80 columns, before anything but the input is committed.
    const streaming = await tui.waitFor(new RegExp(`#1 \\[you\\] tell me a story\\n│ Once upon a time, [^\\n]+\\n│ [^\\n]*never lost a word\\.\\n── main · runs here · ${SPIN} turn \\d+\\.\\ds\\nmain> $`, 'm'));
    expect(await kinds(home)).toEqual(['user_input']);
    // No row of the turn wider than the terminal (capture-pane -J would have joined a wrapped one).
    const rows = streaming.slice(streaming.indexOf('#1 [you]')).split('\n');
    expect(rows.filter((row) => [...row].length > 80)).toEqual([]);

    // The tool shows while it runs: ListPods waits for input until a peer message arrives.
    expect((await cli().pods(home, 'create', 'b')).code).toBe(0);
    expect((await cli().pods(home, 'peer', 'main', 'b')).code).toBe(0);
    releaseStory();
    await tui.waitFor(new RegExp(`#3 \\[tool call ListPods\\] \\{"wait_ms":30000\\}\\n${SPIN} ListPods running \\d+\\.\\ds\\n── main · runs here · ${SPIN} turn`, 'm'));
    expect((await cli().pods(home, 'tool', 'b', 'SendToPeerPod', JSON.stringify({ name: 'main', message: 'are you there?' }))).code).toBe(0);
    const ended = await tui.waitFor(/· turn finished after 2 steps in [\d.]+ m?s\n── main · runs here · idle\nmain> $/m);
    expect(ended).toContain(`#2 [assistant] ${story}`);
    expect(ended).toMatch(/#3 \[tool call ListPods\] \{"wait_ms":30000\}\n#4 \[peer b\] are you there\?\n#5 \[tool ListPods\] → ok: [^\n]*new input arrived[^\n]*\n#6 \[assistant\] The end\./);
    // The streamed rows gave way to the committed reply.
    expect(ended).not.toContain('│ ');
    expect(await kinds(home)).toEqual(['user_input', 'assistant_message', 'tool_call', 'peer_message', 'tool_result', 'assistant_message']);

    await tui.type('think forever');
    await tui.press('Enter');
    await tui.waitFor(new RegExp(`│ thinking about it\\n── main · runs here · ${SPIN} turn \\d+\\.\\ds\\nmain> $`, 'm'));
    await tui.press('C-c');
    const cancelled = await tui.waitFor(/· turn cancelled after 1 step in [\d.]+ m?s\n── main · runs here · idle\nmain> $/m);
    expect(cancelled).toContain('· cancelling the turn: it stops after its current step');
    expect(cancelled).toContain('#8 [notice turn_cancelled] the operator cancelled this turn');
    expect(cancelled).not.toContain('│ thinking');
    // Committed work is kept; the cut step left nothing but the notice.
    expect(await kinds(home)).toEqual(['user_input', 'assistant_message', 'tool_call', 'peer_message', 'tool_result', 'assistant_message', 'user_input', 'notice']);

    await tui.press('C-d');
    await tui.waitFor(/· quitting: releasing `main`\n\[exit 0\]/);
  }, 120_000);
});

async function kinds(home: string): Promise<string[]> {
  const listed = await cli().pods(home, 'history', 'main', '--json');
  expect(listed.code).toBe(0);
  return (JSON.parse(listed.stdout) as HistoryEntry[]).map((e) => e.kind);
}
