import prompts from 'prompts';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelReply, ModelRequest } from '../../src/application/ports/model.js';
import { ScriptedModel, says } from '../support/scripted-model.js';
import { body, name } from '../support/world.js';
import { startOnTerminal, tuiStore } from './tui-harness.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});
const store = async (model?: ScriptedModel) => {
  const opened = await tuiStore(model);
  close = opened.close;
  return opened;
};

/** A model step that runs until the turn is cancelled. */
const untilCancelled = (request: ModelRequest): Promise<ModelReply> =>
  new Promise((resolve) => request.signal?.addEventListener('abort', () => resolve({ ok: false, error: 'cancelled' })));

describe('the TUI on a terminal', () => {
  it('prompts with the attached Pod, and shows a message once history holds it, not as typed', async () => {
    const { app } = await store();
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('hello there\r');
    await tui.waitFor('#2 [assistant] You said: hello there');
    expect(tui.screen()).toContain('#1 [you] hello there');
    // The echo of the typed line was taken back: readline drew it once, then it was cleared.
    expect(tui.screen()).toContain('main> hello there');
    expect(tui.visible()).not.toContain('main> hello there');
    await tui.waitForVisible(/#1 \[you\] hello there\n#2 \[assistant\] You said: hello there\n· turn finished after 1 step in \d+ ms\n── main · runs here · idle\nmain>$/);
    tui.type('\u0004');
    expect(await tui.exited).toBe(0);
  });

  it('completes command names and Pod names with Tab', async () => {
    const { app } = await store();
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type(':new bob\r');
    await tui.waitFor('created pod `bob`');
    tui.type(':pe\t');
    await tui.waitFor('main> :peer ');
    tui.type('b\t');
    await tui.waitFor('main> :peer bob');
    tui.type('\r');
    await tui.waitFor('peered `main` ↔ `bob`');
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('picks the Pod for :peer and :unpeer with prompts, then gives the terminal back to readline', async () => {
    const { app } = await store();
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type(':unpeer\r');
    await tui.waitFor('! `main` has no peers');
    tui.type(':new b\r');
    await tui.waitFor('created pod `b`');
    prompts.inject(['b']);
    tui.type(':peer\r');
    await tui.waitFor('peered `main` ↔ `b`');
    prompts.inject([undefined]);
    tui.type(':unpeer\r');
    await tui.waitFor('nothing picked; nothing changed');
    prompts.inject(['b']);
    tui.type(':unpeer\r');
    await tui.waitFor('`main` and `b` are no longer peers');
    tui.type('still here\r');
    await tui.waitFor('#2 [assistant] You said: still here');
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('keeps a line that could not run, to be fixed instead of retyped', async () => {
    const { app } = await store();
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type(':frob\r');
    await tui.waitFor('! unknown command `:frob`');
    await tui.waitForVisible(/! unknown command[^\n]*\n── main · runs here · idle\nmain> :frob$/);
    tui.type('\u0015:quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('shows the turn live above the prompt: the streamed text before it is committed, then the tool it runs, then the status line', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holdTool: () => void = () => undefined;
    const toolHeld = new Promise<void>((resolve) => (holdTool = resolve));
    const { app, history } = await store(new ScriptedModel(async (request) => {
      request.onStream?.({ type: 'text', delta: 'Once upon\na ' });
      request.onStream?.({ type: 'text', delta: 'time, in a store far away, there was a Pod' });
      await released;
      return { ok: true, text: 'Once upon a time', toolCalls: [{ callId: 'c1', tool: 'ListPods', input: { wait_ms: 20_000 } }] };
    }, async () => {
      holdTool();
      return says('the end');
    }));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('tell me a story\r');
    await tui.waitForVisible(/#1 \[you\] tell me a story\n│ Once upon\n│ a time, in a store far away, there was a Pod\n── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain>$/);
    expect((await history('main')).map((e) => e.kind)).toEqual(['user_input']);
    release();
    await tui.waitForVisible(/#2 \[assistant\] Once upon a time\n#3 \[tool call ListPods\] {"wait_ms":20000}\n[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ListPods running \d+\.\ds\n── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain>$/);
    // The streamed text gave way to the committed reply: it is on the terminal once.
    expect(tui.visible()).not.toContain('│ ');
    // The model's ListPods waits for input: input committed now ends the wait, and the turn goes on.
    await app.submitOperatorInput.execute({ pod: name('main'), text: body('wake up') });
    await toolHeld;
    await tui.waitFor(/· turn finished after 2 steps in [\d.]+ m?s/);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('counts in the status line the peer messages the running step has not seen, until a step sees them', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { app } = await store(new ScriptedModel(async () => {
      await held;
      return says('first answer');
    }, says('saw them')));
    await app.createPod.execute({ name: name('b'), scope: [] });
    await app.initiatePeerHandshake.execute({ from: name('main'), to: name('b'), via: 'tui' });
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('go\r');
    await tui.waitForVisible(/── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain>$/);
    for (const message of ['one', 'two']) await app.tools.execute(name('b'), 'SendToPeerPod', { name: 'main', message });
    await tui.waitForVisible(/── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds · 2 peer messages not seen yet\nmain>$/);
    release();
    // The next step's request holds them: the count goes as that step starts.
    await tui.waitForVisible(/#5 \[assistant\] saw them\n(· turn[^\n]*\n)*── main · runs here · idle\nmain>$/);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('shows a running turn in the status line, and cancels it on Ctrl+C', async () => {
    const { app, history } = await store(new ScriptedModel(untilCancelled));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('think hard\r');
    await tui.waitForVisible(/── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain>$/);
    tui.type('\u0003');
    await tui.waitFor('· cancelling the turn: it stops after its current step');
    await tui.waitFor('[notice turn_cancelled] the operator cancelled this turn');
    await tui.waitFor(/· turn cancelled after 1 step in \d+ ms/);
    expect((await history('main')).map((e) => e.kind)).toEqual(['user_input', 'notice']);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('clears a half-typed line on Ctrl+C; at an empty prompt says how to quit, and a second Ctrl+C quits', async () => {
    const { app, history } = await store(new ScriptedModel(says('ok')));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('half typed\u0003');
    await tui.waitFor(/main> half typed(main> )+$/);
    expect(tui.screen()).not.toContain('to quit');
    tui.type('\u0003');
    expect(tui.visible()).not.toContain('half typed');
    await tui.waitForVisible(/\n· to quit, press Ctrl\+C again or Ctrl\+D \(or type `:quit`\)\n── main · runs here · idle\nmain>$/);
    // Anything typed in between starts over: the next Ctrl+C clears, then only hints again.
    tui.type('x\u0003');
    tui.type('\u0003');
    await tui.waitFor(/(· to quit[^\n]*\n[^]*){2}main> $/);
    tui.type(':pods\r');
    await tui.waitFor(/main +self +idle/);
    expect(await history('main')).toEqual([]);
    tui.type('\u0003');
    await tui.waitFor(/(· to quit[^\n]*\n[^]*){3}main> $/);
    tui.type('\u0003');
    expect(await tui.exited).toBe(0);
    expect(await history('main')).toEqual([]);
  });

  it('holds a message typed during a turn; Ctrl+C cancels the turn and drops it, unsent', async () => {
    const { app, history } = await store(new ScriptedModel(untilCancelled, says('done')));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('think hard\r');
    await tui.waitForVisible(/── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain>$/);
    tui.type('typed meanwhile\r');
    await tui.waitFor('· held until the turn ends (Ctrl+C drops it with the turn): typed meanwhile');
    tui.type('\u0003');
    await tui.waitFor('· cancelling the turn: it stops after its current step; not sent: 1 line typed during it (Up recalls them)');
    await tui.waitFor(/· turn cancelled after 1 step in \d+ ms/);
    tui.type('\u001b[A');
    await tui.waitFor(/main> typed meanwhile$/);
    tui.type('\r');
    await tui.waitFor('#4 [assistant] done');
    expect((await history('main')).map((e) => (e.kind === 'user_input' ? e.text : e.kind))).toEqual(['think hard', 'notice', 'typed meanwhile', 'assistant_message']);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('shows a paste waiting for Enter in the prompt during a turn too', async () => {
    const { app } = await store(new ScriptedModel(untilCancelled));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('think hard\r');
    await tui.waitForVisible(/── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain>$/);
    tui.type('\u001b[200~two\rlines\u001b[201~');
    await tui.waitForVisible(/· pasted 2 lines as one message[^\n]*\n── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain \[paste: 2 lines\]>$/);
    tui.type('\u0003\u0003');
    await tui.waitFor(/· turn cancelled/);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('sends a message held during a turn once the turn ends', async () => {
    let release: () => void = () => undefined;
    const slow = (): Promise<ModelReply> => new Promise((resolve) => (release = () => resolve(says('first'))));
    const { app, history } = await store(new ScriptedModel(slow, says('second')));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('one\r');
    await tui.waitForVisible(/── main · runs here · [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] turn \d+\.\ds\nmain>$/);
    tui.type('two\r');
    await tui.waitFor('· held until the turn ends');
    expect((await history('main')).map((e) => e.kind)).toEqual(['user_input']);
    release();
    await tui.waitFor('[assistant] second');
    expect((await history('main')).map((e) => (e.kind === 'user_input' ? e.text : e.kind))).toEqual(['one', 'assistant_message', 'two', 'assistant_message']);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('takes a bracketed paste as one message even when the terminal splits it and its markers across reads', async () => {
    const { app, history } = await store(new ScriptedModel(says('got it')));
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    expect(tui.raw()).toContain('\u001b[?2004h');
    for (const part of ['\u001b[20', '0~:quit\r:ne', 'w x\r\u001b[2', '01~']) tui.type(part);
    await tui.waitFor('· pasted 2 lines as one message ":quit\\n:new x\\n"');
    await tui.waitFor(/main \[paste: 2 lines\]> $/);
    tui.type(' and more\r');
    await tui.waitFor('#2 [assistant] got it');
    expect((await history('main')).map((e) => (e.kind === 'user_input' ? e.text : e.kind))).toEqual([':quit\n:new x\n and more', 'assistant_message']);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
    expect(tui.raw()).toMatch(/\u001b\[\?2004l/);
  });

  it('quits on a second Ctrl+C, on Ctrl+D and on SIGTERM', async () => {
    const { app } = await store();
    for (const leave of [(t: ReturnType<typeof startOnTerminal>) => t.type('\u0003\u0003'), (t: ReturnType<typeof startOnTerminal>) => t.type('\u0004'), (t: ReturnType<typeof startOnTerminal>) => t.signal('SIGTERM')]) {
      const tui = startOnTerminal(app);
      await tui.waitFor('main> ');
      leave(tui);
      expect(await tui.exited).toBe(0);
      expect(tui.screen()).toContain('· quitting: releasing `main`');
    }
  });

  it('prints the last entries of a Pod it attaches to', async () => {
    const { app } = await store();
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    for (const n of [1, 2, 3, 4, 5, 6]) {
      tui.type(`m${n}\r`);
      await tui.waitFor(`You said: m${n}`);
    }
    tui.type(':new b\r:attach b\r');
    await tui.waitFor('b> ');
    tui.type(':attach main\r');
    await tui.waitFor('· attached to `main`; it runs in this TUI (12 history entries, the last 10 below)');
    expect(tui.count('#3 [you] m2')).toBe(2);
    expect(tui.count('#2 [assistant] You said: m1')).toBe(1);
    tui.type(':quit\r');
    expect(await tui.exited).toBe(0);
  });

  it('searches the line history on Ctrl+R without sending: keys go to the search, Enter puts the match in the line', async () => {
    const { app, history } = await store();
    const tui = startOnTerminal(app);
    await tui.waitFor('main> ');
    tui.type('alpha one\r');
    await tui.waitFor('#2 [assistant] You said: alpha one');
    tui.type('beta two\r');
    await tui.waitFor('#4 [assistant] You said: beta two');
    tui.type('\u0012alp');
    await tui.waitFor("(reverse-i-search)'alp': alpha one");
    tui.type('\r');
    await tui.waitFor(/main> alpha one$/);
    expect((await history('main')).filter((e) => e.kind === 'user_input')).toHaveLength(2);
    // Ctrl+C in the search leaves the line as it was, and is not the TUI's Ctrl+C.
    tui.type('\u0012bet');
    await tui.waitFor("(reverse-i-search)'bet': beta two");
    tui.type('\u0003');
    await tui.waitFor(/main> alpha one$/);
    tui.type('\r');
    await tui.waitFor('#6 [assistant] You said: alpha one');
    expect(tui.screen()).not.toContain('to quit');
    tui.type('\u0004');
    expect(await tui.exited).toBe(0);
  });
});
