import type { Interface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { PodsApp } from '../../../application/pods-app.js';
import type { PodName } from '../../../domain/pod-name.js';
import type { Keyboard } from '../keyboard.js';
import type { Palette } from '../palette.js';
import type { TuiScreen } from '../tui-screen.js';
import { runDash } from './run-dash.js';

const CTRL_D = '\u0004';
/** How often the dashboard reads every Pod anyway: a lease lifetime, the soonest a dead host's Pod is free. */
export const DASH_REFRESH_MS = 10_000;

export type DashInTuiParts = {
  readonly app: PodsApp;
  readonly keyboard: Keyboard;
  readonly rl: Interface;
  readonly screen: TuiScreen;
  readonly stdout: Writable;
  readonly palette: Palette;
  readonly attach: (pod: PodName) => Promise<void>;
  readonly attached: () => PodName | undefined;
};

/** Uses the alternate screen, so the TUI's lines are there when it returns. */
export function dashInTui(parts: DashInTuiParts): () => Promise<void> {
  let openedFromDash = false;
  const dash = async (): Promise<void> => {
    parts.screen.hold();
    let outcome: Awaited<ReturnType<typeof runDash>>;
    try {
      outcome = await parts.keyboard.borrow((keys) => {
        const select = parts.attached();
        return runDash({ app: parts.app, keys, output: parts.stdout, palette: parts.palette, refreshMs: DASH_REFRESH_MS, ...(select ? { select } : {}) });
      });
    } finally {
      parts.screen.release();
    }
    openedFromDash = outcome.type === 'open';
    if (outcome.type === 'open') await parts.attach(outcome.pod);
  };
  parts.keyboard.onHotkey(CTRL_D, () => {
    if (openedFromDash && parts.rl.line === '') void dash();
    else parts.keyboard.readline.write(CTRL_D);
  });
  return dash;
}
