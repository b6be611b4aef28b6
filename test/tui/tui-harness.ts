import { PassThrough } from 'node:stream';
import type { ExitCode } from '../../src/adapters/process-io.js';
import { runTui } from '../../src/adapters/tui/run-tui.js';
import { MODEL, type Model } from '../../src/application/ports/model.js';
import type { PodsApp } from '../../src/application/pods-app.js';
import { openInversifyContainer, type OpenedInversifyContainer } from '../../src/composition/container.js';
import { podsApp } from '../../src/composition/pods-app.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { name, rule } from '../support/world.js';
import { VirtualTerminal } from './virtual-terminal.js';

// Readline's cursor moves, clears and colours; what an operator sees is the text between them.
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]|\r/g;

/** Streams that claim to be a terminal, as a pty would be. */
function fakeTerminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 200, rows: 50 });
  return { stdin, stdout };
}

/** An in-memory store with `main` created, and a scripted model in place of the built-in one if given. */
export async function tuiStore(model?: Model): Promise<OpenedInversifyContainer & { app: PodsApp; history: (pod: string) => Promise<readonly HistoryEntry[]> }> {
  const opened = await openInversifyContainer({ kind: 'memory' });
  if (model) {
    await opened.container.unbind(MODEL);
    opened.container.bind(MODEL).toConstantValue(model);
  }
  const app = podsApp(opened.container);
  await app.createPod.execute({ name: name('main'), scope: [rule('write:/work')] });
  const history = async (pod: string) => {
    const read = await app.readHistory.execute({ pod: name(pod) });
    return read.ok ? read.value : [];
  };
  return { ...opened, app, history };
}

/** `runTui` fed from a pipe: all of `input`, then end of input. */
export async function runPiped(app: PodsApp, input: string, pod = 'main') {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runTui({
    app,
    io: { stdin: PassThrough.from([input]), stdout: new PassThrough(), onSignal: () => () => undefined },
    pod: name(pod),
    cwd: '/work',
    out: { line: (t) => stdout.push(t), json: (v) => stdout.push(JSON.stringify(v)), fail: (t) => stderr.push(t) },
  });
  return { code, stdout, stderr };
}

/** `runTui` on a fake terminal: type into it, read the screen as text, send signals. */
export function startOnTerminal(app: PodsApp, pod = 'main') {
  const { stdin, stdout } = fakeTerminal();
  let raw = '';
  const terminal = new VirtualTerminal(stdout.columns);
  stdout.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    terminal.write(chunk.toString());
  });
  const signals = new Map<string, () => void>();
  const exited: Promise<ExitCode> = runTui({
    app,
    io: { stdin, stdout, onSignal: (signal, handler) => (signals.set(signal, handler), () => signals.delete(signal)) },
    pod: name(pod),
    cwd: '/work',
    out: { line: () => undefined, json: () => undefined, fail: () => undefined },
  });
  const screen = (): string => raw.replace(CONTROL, '');
  return {
    exited,
    screen,
    raw: () => raw,
    /** What the terminal shows now (scroll-back included), as a real one would draw it. */
    visible: () => terminal.text(),
    type: (text: string) => void stdin.write(text),
    signal: (signal: string) => signals.get(signal)?.(),
    /** Resolves once the output so far shows `text` (or matches it), at most `ms` later. */
    waitFor: (text: string | RegExp, ms = 5_000): Promise<void> => until(screen, 'the screen', text, ms),
    /** Resolves once what the terminal shows now has `text` (or matches it), at most `ms` later. */
    waitForVisible: (text: string | RegExp, ms = 5_000): Promise<void> => until(() => terminal.text(), 'the terminal', text, ms),
    /** How often `text` is on the screen. */
    count: (text: string): number => screen().split(text).length - 1,
  };
}

async function until(read: () => string, where: string, text: string | RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const seen = () => (typeof text === 'string' ? read().includes(text) : text.test(read()));
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`no ${String(text)} on ${where} within ${ms} ms:\n${read()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
