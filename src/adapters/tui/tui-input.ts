import { describePodNotFound } from '../../application/errors.js';
import type { Interface } from 'node:readline';
import type { HostRuntime } from '../../application/host/host-runtime.js';
import { MessageBody } from '../../domain/message-body.js';
import { errorMessage } from '../error-message.js';
import type { HistoryFollower } from './history-follower.js';
import { isMessageLine, parseTuiLine } from './parse-tui-line.js';
import type { TuiScreen } from './tui-screen.js';
import type { TuiSession } from './tui-session.js';
import { promptFor } from './turn-progress.js';

const QUIT_PROMPT = 'quit? (y/N) ';

/**
 * The input side of the TUI: lines run one after another, in the order they came, and a
 * line never fails the loop. Lines that arrive before the session is ready wait for it.
 */
export class TuiInput {
  private queue: Promise<void>;
  private begin: () => void = () => undefined;
  private readonly closed: Promise<void>;
  private session: TuiSession | undefined;
  private stopping = false;
  private interrupted = false;
  private asking = false;

  constructor(
    private readonly rl: Interface,
    private readonly history: string[],
    private readonly screen: TuiScreen,
    private readonly runtime: HostRuntime,
    private readonly follower: HistoryFollower,
    private readonly terminal: boolean,
  ) {
    this.queue = new Promise((resolve) => (this.begin = resolve));
    this.closed = new Promise((resolve) => rl.once('close', resolve));
    // Registered at once: a pipe starts flowing as soon as readline reads it.
    rl.on('line', (line) => this.onLine(line));
  }

  /** Whether the prompt is asking to confirm quitting. */
  get confirming(): boolean {
    return this.asking;
  }

  /** Handles lines until `:quit`, Ctrl+D, end of input or a signal; a pipe's work settles first. */
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
      this.screen.line(`· quitting${hosted.length > 0 ? `: releasing ${hosted.map((p) => `\`${p}\``).join(', ')}` : ''}`);
    } else if (!this.interrupted) {
      await this.runtime.settle();
      await this.follower.sync();
    }
  }

  /** Leaves after the line in hand; later lines are dropped. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.rl.close();
  }

  /** Ctrl+C: cancels the attached Pod's turn if one runs, else asks to quit; again while asking quits. */
  interrupt(session: TuiSession): void {
    if (!this.terminal || this.asking) {
      this.interrupted = true;
      for (const pod of this.runtime.running()) this.runtime.cancel(pod);
      return this.stop();
    }
    if (session.isAttached && this.runtime.cancel(session.attached)) {
      this.screen.line('· cancelling the turn: it stops after its current step');
      return;
    }
    this.asking = true;
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.rl.write(null, { ctrl: true, name: 'u' });
    this.screen.setPrompt(QUIT_PROMPT);
  }

  private onLine(line: string): void {
    if (this.asking) return this.answerQuit(line);
    // The typed message leaves the screen now and comes back once history holds it.
    if (this.terminal && isMessageLine(line)) this.screen.eraseEntered(line);
    this.queue = this.queue.then(() => this.handle(line));
  }

  private answerQuit(line: string): void {
    this.asking = false;
    if (this.history[0] === line) this.history.shift();
    if (/^\s*y(es)?\s*$/i.test(line)) return this.stop();
    if (this.session?.isAttached) this.screen.setPrompt(promptFor(this.session.attached));
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
    const sent = await session.app.submitOperatorInput.execute({ pod, text: body.value });
    if (!sent.ok) return session.refuse(describePodNotFound(sent.error));
    void this.follower.sync();
    if (sent.value.deliveredTo === 'stopped') {
      void this.follower.then(() => this.screen.line(`· \`${pod}\` runs nowhere now: the message waits in its history until a host runs it`));
    }
  }
}
