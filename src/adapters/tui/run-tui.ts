import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PodsApp } from '../../application/pods-app.js';
import type { PodName } from '../../domain/pod-name.js';
import { EXIT, type ExitCode, type ProcessIo } from '../process-io.js';
import type { TextOutput } from '../presentation/text-output.js';
import type { Completion } from './colon-command.js';
import { COLON_COMMANDS } from './colon-commands.js';
import { completeTuiLine, type CompleterResult } from './complete-tui-line.js';
import { composeInEditor } from './compose-in-editor.js';
import { HistoryFollower } from './history-follower.js';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, Keyboard } from './keyboard.js';
import { LineHistoryFile } from './line-history-file.js';
import { promptsPicker } from './prompts-picker.js';
import { enableReverseSearch } from './reverse-search.js';
import { TuiInput } from './tui-input.js';
import { plainScreen, terminalScreen } from './tui-screen.js';
import { TuiSession } from './tui-session.js';
import { promptFor, showTurnProgress } from './turn-progress.js';
import { LiveTurns } from './live-turns.js';
import { paletteFor } from './palette.js';
import { dashInTui } from './dash/dash-in-tui.js';

export type TuiOptions = {
  readonly app: PodsApp;
  readonly io: ProcessIo;
  readonly pod: PodName;
  readonly cwd: string;
  readonly out: TextOutput;
  /** Opened from `pods dash`: Ctrl+D (and `:quit`) go back to it, and the Pods opened here keep running. */
  readonly fromDashboard?: true;
};

/** From a pipe it reads line by line, waits for each line's turn to end, and exits 1 if any line was refused. */
export async function runTui(options: TuiOptions): Promise<ExitCode> {
  const { app, io } = options;
  const terminal = io.stdin.isTTY === true && io.stdout.isTTY === true;
  const { runtime } = app;
  // On a terminal every key passes through the keyboard, which lends it to one reader at a time.
  const keyboard = terminal ? new Keyboard(io.stdin) : undefined;
  let candidates: (completion: Completion) => Promise<readonly string[]> = async () => [];
  // Typed lines survive restarts, per PODS_HOME (see LineHistoryFile for what is kept).
  const kept = terminal && io.podsHome !== undefined ? new LineHistoryFile(join(io.podsHome, 'tui-history')) : undefined;
  const recalled = (await kept?.load()) ?? [];
  const rl = createInterface({
    input: keyboard?.readline ?? io.stdin,
    ...(terminal ? { output: io.stdout } : {}),
    terminal,
    historySize: 1000,
    history: recalled,
    removeHistoryDuplicates: true,
    prompt: promptFor(options.pod),
    completer: (line: string, callback: (error: null, result: CompleterResult) => void) => {
      void completeTuiLine(line, COLON_COMMANDS, candidates).then((result) => callback(null, result));
    },
  });
  const palette = paletteFor(io.stdout, io.noColor);
  const screen = terminal ? terminalScreen(rl, io.stdout, palette) : plainScreen(options.out);
  const follower = new HistoryFollower(app.readHistory, screen);
  if (keyboard) enableReverseSearch(keyboard, rl, io.stdout, screen, recalled);
  kept?.onFailure((reason) => screen.warn(reason));
  rl.on('history', ([entered]) => {
    if (entered !== undefined) kept?.add(entered);
  });
  // Before the turn progress subscribes: it reads what this has heard.
  const turns = new LiveTurns(app.events);
  const compose = keyboard ? composeInEditor({ editor: io.editor ?? 'vi', keyboard, rl, screen, stdout: io.stdout }) : undefined;
  const input = new TuiInput(rl, screen, runtime, follower, terminal, turns, keyboard, compose);
  if (options.fromDashboard) input.farewell = () => '· back to the dashboard (the Pods this process runs go on)';
  let attach: (pod: PodName) => Promise<void> = async () => undefined;
  let attachedPod: () => PodName | undefined = () => undefined;
  const dash = keyboard && !options.fromDashboard ? dashInTui({ app, keyboard, rl, screen, stdout: io.stdout, palette, attach: (pod) => attach(pod), attached: () => attachedPod() }) : undefined;
  const session = new TuiSession({
    app, screen, follower, commands: COLON_COMMANDS, interactive: terminal, cwd: options.cwd,
    pick: keyboard ? promptsPicker(keyboard, io.stdout) : async () => undefined,
    quit: () => input.stop(),
    edit: () => input.edit(),
    dash: async () => {
      if (dash) return dash();
      session.refuse(options.fromDashboard ? 'this TUI was opened from the dashboard: Ctrl+D goes back to it' : '`:dash` needs a terminal; `pods ls` lists every Pod');
    },
  });
  attach = (pod) => session.attach(pod);
  attachedPod = () => (session.isAttached ? session.attached : undefined);
  candidates = (completion) => session.candidates(completion);
  const offProgress = showTurnProgress({
    app, follower, screen, terminal, turns,
    attached: () => (session.isAttached ? session.attached : undefined),
    where: () => session.where,
    unconfined: () => session.unconfined,
    columns: () => ('columns' in io.stdout && typeof io.stdout.columns === 'number' && io.stdout.columns > 0 ? io.stdout.columns : 80),
  });
  let storeLost = false;
  const offEvents = app.events.subscribe((event) => {
    if (event.type === 'lease_lost') session.leaseLost(event.pod);
    if (event.type === 'committed' && event.changes.history && session.isAttached && event.pod === session.attached) void follower.sync();
    if (event.type !== 'store_lost') return;
    storeLost = true;
    input.stop();
  });
  const offSignals = [
    io.onSignal('SIGINT', () => {
      input.interrupt(session);
      return input.leaving ? undefined : 'ignored';
    }),
    io.onSignal('SIGTERM', () => input.stop()),
    // The terminal closed: leave as on SIGTERM, so the Pods' leases are given back.
    io.onSignal('SIGHUP', () => input.stop()),
  ];
  try {
    runtime.start();
    await session.attach(options.pod);
    if (!session.isAttached) {
      rl.close();
      return EXIT.refused;
    }
    if (terminal) {
      // A paste then arrives marked, so it is taken as one message rather than typed lines.
      io.stdout.write(BRACKETED_PASTE_ON);
      screen.line(`· \`:help\` lists the commands; Tab completes; Ctrl+C clears the line or cancels a turn; Ctrl+D ${options.fromDashboard ? 'goes back to the dashboard' : 'quits'}`);
    }
    await input.run(session);
    if (storeLost) return EXIT.refused;
    return session.failed && !terminal ? EXIT.refused : EXIT.ok;
  } finally {
    session.close();
    if (terminal) io.stdout.write(BRACKETED_PASTE_OFF);
    keyboard?.close();
    offEvents();
    for (const off of offSignals) off();
    offProgress();
    turns.close();
    // The process exits as soon as the command returns: the last line typed is on disk first.
    await kept?.flushed();
  }
}
