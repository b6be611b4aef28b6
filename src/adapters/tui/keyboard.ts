import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export type Stdin = Readable & { readonly isTTY?: boolean; readonly isRaw?: boolean; setRawMode?: (mode: boolean) => unknown };

export type KeyStream = PassThrough & { readonly isTTY: true; readonly isRaw: boolean; setRawMode: (mode: boolean) => KeyStream };

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';
export const BRACKETED_PASTE_ON = '\u001b[?2004h';
export const BRACKETED_PASTE_OFF = '\u001b[?2004l';
/** How long a chunk ending in what may be the start of a paste marker waits for the rest. */
const MARKER_WAIT_MS = 50;

function partialMarker(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) if (text.endsWith(marker.slice(0, n))) return n;
  return 0;
}

/** One reader at a time (readline, or a borrowing picker); a bracketed paste is handed over whole, never line by line. */
export class Keyboard {
  readonly readline: KeyStream;
  private borrower: PassThrough | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private carryTimer: NodeJS.Timeout | undefined;
  private pasted: string | undefined;
  private pasteHandler: (text: string) => void = () => undefined;
  private keysHandler: (keys: string) => void = () => undefined;
  private escapeHandler: () => boolean = () => false;
  private readonly hotkeys = new Map<string, () => void>();
  private readonly onData = (chunk: Buffer | string): void => this.take(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  private readonly onEnd = (): void => {
    if (!this.readline.writableEnded) this.readline.end();
  };

  constructor(private readonly stdin: Stdin) {
    this.readline = terminalLike(new PassThrough(), (mode) => setRawMode(stdin, mode), () => stdin.isRaw === true);
    stdin.on('data', this.onData);
    stdin.on('end', this.onEnd);
    // A terminal that hung up fails its reads (EIO): that is its end, not a crash.
    stdin.on('error', this.onEnd);
    // An earlier keyboard on the same terminal (a question before the TUI) paused it.
    stdin.resume();
  }

  onPaste(handler: (text: string) => void): void {
    this.pasteHandler = handler;
  }

  /** Keys after it go wherever the handler sent them (a borrower). */
  onHotkey(key: string, handler: () => void): void {
    this.hotkeys.set(key, handler);
  }

  /** `handler` gets a lone Esc (not the start of a sequence) instead of readline; false gives it on to readline. */
  onEscape(handler: () => boolean): void {
    this.escapeHandler = handler;
  }

  onKeys(handler: (keys: string) => void): void {
    this.keysHandler = handler;
  }

  /** The terminal stays in raw mode while `use` borrows the keys, so Ctrl+C reaches it as a key, never a signal. */
  async borrow<T>(use: (keys: KeyStream) => Promise<T>): Promise<T> {
    const keys = terminalLike(new PassThrough(), () => undefined, () => true);
    this.flushCarry();
    this.borrower = keys;
    try {
      return await use(keys);
    } finally {
      this.borrower = undefined;
      keys.end();
    }
  }

  /** Raw mode off and nothing read until `use` settles, so the program (an editor) gets every key. */
  async lend<T>(use: () => Promise<T>): Promise<T> {
    this.flushCarry();
    this.stdin.off('data', this.onData);
    this.stdin.pause();
    const wasRaw = this.stdin.isRaw === true;
    setRawMode(this.stdin, false);
    try {
      return await use();
    } finally {
      setRawMode(this.stdin, wasRaw);
      this.stdin.on('data', this.onData);
      this.stdin.resume();
    }
  }

  end(): void {
    this.borrower?.end();
  }

  close(): void {
    clearTimeout(this.carryTimer);
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.pause();
  }

  private take(text: string): void {
    clearTimeout(this.carryTimer);
    let rest = this.carry + text;
    this.carry = '';
    while (rest !== '') {
      const marker = this.pasted === undefined ? PASTE_START : PASTE_END;
      const at = rest.indexOf(marker);
      const upTo = at >= 0 ? at : rest.length - partialMarker(rest, marker);
      this.give(rest.slice(0, upTo));
      if (at < 0) {
        this.carry = rest.slice(upTo);
        break;
      }
      rest = rest.slice(at + marker.length);
      if (this.pasted === undefined) {
        this.pasted = '';
      } else {
        const whole = this.pasted;
        this.pasted = undefined;
        // A picker takes keys, not text: a paste into it would be read as keys (a space picks).
        if (!this.borrower) this.pasteHandler(whole);
      }
    }
    // A lone Esc (or `Esc [`) outside a paste is a key, not half a marker: it goes on shortly.
    if (this.carry !== '' && this.pasted === undefined) this.carryTimer = setTimeout(() => this.flushCarry(), MARKER_WAIT_MS);
  }

  private give(text: string): void {
    if (text === '') return;
    if (this.pasted !== undefined) {
      this.pasted += text;
      return;
    }
    if (this.borrower) {
      this.borrower.write(text);
      return;
    }
    if (text === '\u001b' && this.escapeHandler()) return;
    for (let i = 0; i < text.length; i++) {
      for (const [key, hotkey] of this.hotkeys) {
        if (!text.startsWith(key, i)) continue;
        this.toReadline(text.slice(0, i));
        hotkey();
        this.give(text.slice(i + key.length));
        return;
      }
    }
    this.toReadline(text);
  }

  private toReadline(text: string): void {
    if (text === '') return;
    this.readline.write(text);
    this.keysHandler(text);
  }

  private flushCarry(): void {
    clearTimeout(this.carryTimer);
    if (this.pasted !== undefined || this.carry === '') return;
    const carried = this.carry;
    this.carry = '';
    this.give(carried);
  }
}

function terminalLike(stream: PassThrough, setRaw: (mode: boolean) => unknown, isRaw: () => boolean): KeyStream {
  const keys = stream as KeyStream;
  Object.defineProperty(keys, 'isTTY', { value: true });
  Object.defineProperty(keys, 'isRaw', { get: isRaw });
  keys.setRawMode = (mode: boolean) => {
    setRaw(mode);
    return keys;
  };
  return keys;
}

/** Sets the terminal's raw mode; a terminal that hung up (EIO) has no mode left to set. */
function setRawMode(stdin: Stdin, mode: boolean): void {
  try {
    stdin.setRawMode?.(mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EIO') throw error;
  }
}
