import { describePodNotFound } from '../../application/errors.js';
import type { Interface } from 'node:readline';
import type { HostRuntime } from '../../application/host/host-runtime.js';
import { displayValue } from '../../domain/display.js';
import { MessageBody } from '../../domain/message-body.js';
import type { PodName } from '../../domain/pod-name.js';
import { errorMessage } from '../error-message.js';
import type { Composed } from './compose-in-editor.js';
import type { HistoryFollower } from './history-follower.js';
import type { Keyboard } from './keyboard.js';
import { isMessageLine, parseTuiLine } from './parse-tui-line.js';
import type { TuiScreen } from './tui-screen.js';
import type { TuiSession } from './tui-session.js';
import type { LiveTurns } from './live-turns.js';
import { describeCancelTurnError } from '../../application/use-cases/cancel-turn.js';
import { promptFor } from './turn-progress.js';

const QUIT_HINT = '· to quit, press Ctrl+C again or Ctrl+D (or type `:quit`)';

type Held = { readonly pod: PodName; readonly text: string };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A paste is one message, never a command; one typed while the Pod's turn runs here waits for that turn's end. */
export class TuiInput {
  private queue: Promise<void>;
  private begin: () => void = () => undefined;
  private readonly closed: Promise<void>;
  private session: TuiSession | undefined;
  private stopping = false;
  private interrupted = false;
  /** The last Ctrl+C, at an empty prompt with no turn, said how to quit; another one quits. */
  private quitArmed = false;
  private pending: string | undefined;
  private readonly held: Held[] = [];
  /** The editor of `:edit` has the terminal: its Ctrl+C reaches this process as SIGINT too. */
  private editing = false;
  farewell: ((hosted: readonly PodName[]) => string) | undefined;

  constructor(
    private readonly rl: Interface,
    private readonly screen: TuiScreen,
    private readonly runtime: HostRuntime,
    private readonly follower: HistoryFollower,
    private readonly terminal: boolean,
    /** Turns in flight on any host: a viewed Pod's turn is cancelled by asking its host. */
    private readonly turns: LiveTurns,
    keyboard?: Keyboard,
    private readonly compose?: () => Promise<Composed>,
  ) {
    this.queue = new Promise((resolve) => (this.begin = resolve));
    this.closed = new Promise((resolve) => rl.once('close', resolve));
    // Registered at once: a pipe starts flowing as soon as readline reads it.
    rl.on('line', (line) => this.onLine(line));
    keyboard?.onPaste((text) => this.onPaste(text));
    // The agent TUIs' convention: Esc interrupts a running turn; otherwise readline has it.
    keyboard?.onEscape(() => this.session !== undefined && this.cancelTurn(this.session));
    for (const altEnter of ['\u001b\r', '\u001b\n']) keyboard?.onHotkey(altEnter, () => this.newLine());
    keyboard?.onKeys((keys) => {
      if (/[^\u0003]/.test(keys)) this.quitArmed = false;
    });
  }

  get promptNote(): string {
    if (this.pending === undefined) return '';
    return ` [paste: ${plural(this.pending.replace(/\n+$/, '').split('\n').length, 'line')}]`;
  }

  async run(session: TuiSession): Promise<void> {
    this.session = session;
    if (this.terminal) {
      this.rl.on('SIGINT', () => this.interrupt(session));
      this.rl.prompt();
    }
    this.begin();
    await this.closed;
    await this.queue;
    if (this.terminal) {
      const hosted = this.runtime.running();
      this.screen.line(this.farewell?.(hosted) ?? `· quitting${hosted.length > 0 ? `: releasing ${hosted.map((p) => `\`${p}\``).join(', ')}` : ''}`);
    } else if (!this.interrupted) {
      await this.runtime.settle();
      await this.follower.sync();
    }
  }

  get leaving(): boolean {
    return this.stopping;
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.rl.close();
  }

  interrupt(session: TuiSession): void {
    if (!this.terminal) {
      this.interrupted = true;
      for (const pod of this.runtime.running()) this.runtime.cancel(pod);
      return this.stop();
    }
    // The editor's own key (the terminal signals its whole process group), not the TUI's.
    if (this.editing) return;
    const armed = this.quitArmed;
    this.quitArmed = false;
    if (this.pending !== undefined) {
      this.pending = undefined;
      this.clearLine();
      this.screen.line('· paste discarded; nothing was sent');
      return this.refreshPrompt();
    }
    if (this.rl.line !== '') return this.clearLine();
    if (this.cancelTurn(session)) return;
    if (armed) return this.stop();
    this.quitArmed = true;
    this.screen.line(QUIT_HINT);
  }

  private cancelTurn(session: TuiSession): boolean {
    if (!session.isAttached || this.stopping) return false;
    if (this.runtime.cancel(session.attached)) {
      const dropped = this.held.splice(0).length;
      this.screen.line(`· cancelling the turn: it stops after its current step${dropped > 0 ? `; not sent: ${plural(dropped, 'line')} typed during it (Up recalls them)` : ''}`);
      return true;
    }
    if (session.hosting || !this.turns.running(session.attached)) return false;
    void this.cancelElsewhere(session, session.attached);
    return true;
  }

  private newLine(): void {
    if (this.stopping || !this.session?.isAttached) return;
    this.quitArmed = false;
    this.pending = `${this.pending ?? ''}${this.rl.line}\n`;
    this.clearLine();
    this.refreshPrompt();
  }

  private async cancelElsewhere(session: TuiSession, pod: PodName): Promise<void> {
    this.screen.line(`· asking the host of \`${pod}\` to cancel its turn`);
    try {
      const asked = await session.app.cancelTurn.execute({ pod });
      if (!asked.ok) return this.screen.warn(describeCancelTurnError(asked.error));
      this.screen.line(asked.value.outcome === 'cancelled'
        ? `· host ${asked.value.hostId} is cancelling the turn: it stops after its current step`
        : `· host ${asked.value.hostId} runs no turn of \`${pod}\` now; nothing to cancel`);
    } catch (error) {
      this.screen.warn(`could not ask for the cancel: ${errorMessage(error)}`);
    }
  }

  private clearLine(): void {
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.rl.write(null, { ctrl: true, name: 'u' });
  }

  private refreshPrompt(): void {
    const session = this.session;
    if (this.stopping || !session?.isAttached) return;
    this.screen.setPrompt(promptFor(session.attached, this.promptNote));
  }

  async edit(): Promise<void> {
    const session = this.session;
    if (!session) return;
    if (!this.compose) return session.refuse('`:edit` needs a terminal; from a pipe, each line is a message');
    this.editing = true;
    let composed: Composed;
    try {
      composed = await this.compose();
    } finally {
      this.editing = false;
    }
    if (this.stopping) return;
    switch (composed.type) {
      case 'failed':
        return session.refuse(`${composed.reason}; nothing was sent`);
      case 'empty':
        return session.say('· the file was empty; nothing was sent');
      case 'text': {
        this.pending = `${this.pending ?? ''}${composed.text}`;
        const lines = this.pending.split('\n').length;
        session.say(`· wrote ${plural(lines, 'line')} as one message ${displayValue(this.pending)}; Enter sends it (with what you type after it), Ctrl+C discards it`);
        return this.refreshPrompt();
      }
    }
  }

  private onPaste(text: string): void {
    if (this.stopping) return;
    this.quitArmed = false;
    // What was typed before the cursor goes first: the paste lands where the cursor was.
    const before = this.rl.line.slice(0, this.rl.cursor);
    if (before !== '') this.rl.write(null, { ctrl: true, name: 'u' });
    this.pending = `${this.pending ?? ''}${before}${text.replace(/\r\n?/g, '\n')}`;
    const lines = this.pending.replace(/\n+$/, '').split('\n').length;
    this.screen.line(`· pasted ${plural(lines, 'line')} as one message ${displayValue(this.pending)}; Enter sends it (with what you type after it), Ctrl+C discards it`);
    this.refreshPrompt();
  }

  private onLine(line: string): void {
    this.quitArmed = false;
    if (this.pending !== undefined) {
      const text = `${this.pending}${line}`.replace(/\n+$/, '');
      this.pending = undefined;
      this.screen.eraseEntered();
      this.refreshPrompt();
      this.queue = this.queue.then(() => this.handlePaste(text));
      return;
    }
    // The typed message leaves the screen now and comes back once history holds it.
    if (this.terminal && isMessageLine(line)) this.screen.eraseEntered();
    this.queue = this.queue.then(() => this.handle(line));
  }

  private async handlePaste(text: string): Promise<void> {
    const session = this.session;
    if (this.stopping || !session) return;
    try {
      await this.send(session, text);
    } catch (error) {
      this.pending ??= text;
      session.refuse(`not sent: ${errorMessage(error)}; the paste is kept: Enter sends it again, Ctrl+C discards it`);
    }
    if (this.stopping) return;
    this.refreshPrompt();
    this.rl.prompt(true);
  }

  private async handle(line: string): Promise<void> {
    const session = this.session;
    if (this.stopping || !session) return;
    const parsed = parseTuiLine(line, { interactive: this.terminal, commands: session.commands });
    let failed = false;
    try {
      switch (parsed.type) {
        case 'blank':
          break;
        case 'diagnostic':
          session.refuse(parsed.message);
          break;
        case 'command':
          await parsed.run(session);
          break;
        case 'message':
          await this.send(session, parsed.text);
          break;
      }
      // From a pipe, the next line waits for what this one started, so output is deterministic.
      if (!this.terminal) {
        await this.runtime.idle(session.attached);
        await this.follower.sync();
      }
    } catch (error) {
      failed = true;
      session.refuse(parsed.type === 'message' && this.terminal ? `not sent: ${errorMessage(error)}; the line is back at the prompt` : `could not complete: ${errorMessage(error)}`);
    }
    if (!this.terminal || this.stopping) return;
    this.rl.prompt();
    // A line that could not run stays in the input, to be fixed or sent again rather than retyped.
    if (parsed.type === 'diagnostic' || failed) this.rl.write(line);
  }

  private async send(session: TuiSession, text: string): Promise<void> {
    const body = MessageBody.parse(text);
    if (!body.ok) return session.refuse(`not sent: the message ${MessageBody.describe(body.error)}`);
    const pod = session.attached;
    if (this.terminal && this.runtime.busy(pod)) {
      this.held.push({ pod, text });
      if (this.held.length === 1) void this.runtime.idle(pod).then(() => this.sendHeld(session));
      this.screen.line(`· held until the turn ends (Ctrl+C drops it with the turn): ${displayValue(text)}`);
      return;
    }
    await this.commit(session, pod, body.value);
  }

  private sendHeld(session: TuiSession): void {
    const held = this.held.splice(0);
    if (held.length === 0) return;
    this.queue = this.queue.then(async () => {
      for (const { pod, text } of held) {
        if (this.stopping) return;
        try {
          await this.commit(session, pod, MessageBody.unsafe(text));
        } catch (error) {
          session.refuse(`not sent: ${errorMessage(error)}: ${displayValue(text)}`);
        }
      }
    });
  }

  private async commit(session: TuiSession, pod: PodName, text: MessageBody): Promise<void> {
    const sent = await session.app.submitOperatorInput.execute({ pod, text });
    if (!sent.ok) return session.refuse(describePodNotFound(sent.error));
    void this.follower.sync();
    if (sent.value.deliveredTo === 'stopped') {
      void this.follower.then(() => this.screen.line(`· \`${pod}\` runs nowhere now: the message waits in its history until a host runs it`));
    }
  }
}
