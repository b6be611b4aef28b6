import type { PodsApp } from '../../../application/pods-app.js';
import type { TextOutput } from '../../presentation/text-output.js';
import type { ProcessIo } from '../../process-io.js';
import { Keyboard } from '../keyboard.js';
import { paletteFor } from '../palette.js';
import { runTui } from '../run-tui.js';
import { DASH_REFRESH_MS } from './dash-in-tui.js';
import { runDash, type DashOutcome } from './run-dash.js';

export type DashOnTerminalParts = {
  readonly app: PodsApp;
  readonly io: ProcessIo;
  readonly out: TextOutput;
  readonly cwd: string;
  readonly painted?: () => void;
};

/** A Pod the TUI attached runs in this process until the dashboard quits and the container gives its lease back. */
export async function dashOnTerminal(parts: DashOnTerminalParts): Promise<void> {
  const { app, io } = parts;
  const palette = paletteFor(io.stdout, io.noColor);
  app.runtime.start();
  let opened: DashOutcome | undefined;
  for (let painted = parts.painted; ; painted = undefined) {
    const select = opened?.type === 'open' ? { select: opened.pod } : {};
    const outcome = await onKeyboard(io, (keyboard, stop) => {
      const offSignals = (['SIGTERM', 'SIGHUP', 'SIGINT'] as const).map((signal) => io.onSignal(signal, () => stop()));
      return keyboard.borrow((keys) => runDash({ app, keys, output: io.stdout, palette, refreshMs: DASH_REFRESH_MS, ...select, ...(painted ? { painted } : {}) }))
        .finally(() => offSignals.forEach((off) => off()));
    });
    if (outcome.type === 'quit') return;
    opened = outcome;
    await runTui({ app, io, pod: outcome.pod, cwd: parts.cwd, out: parts.out, fromDashboard: true });
  }
}

async function onKeyboard(io: ProcessIo, use: (keyboard: Keyboard, stop: () => void) => Promise<DashOutcome>): Promise<DashOutcome> {
  const stdin = io.stdin as ProcessIo['stdin'] & { isRaw?: boolean; setRawMode?: (mode: boolean) => unknown };
  const wasRaw = stdin.isRaw === true;
  stdin.setRawMode?.(true);
  const keyboard = new Keyboard(stdin);
  try {
    return await use(keyboard, () => keyboard.end());
  } finally {
    keyboard.close();
    stdin.setRawMode?.(wasRaw);
  }
}
