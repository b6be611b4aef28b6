import type { Writable } from 'node:stream';

const ALT_SCREEN_ON = '\u001b[?1049h\u001b[?25l\u001b[2J';
const ALT_SCREEN_OFF = '\u001b[?25h\u001b[?1049l';
/** Changes (events, keys) within this are one frame. */
const FRAME_MS = 30;
/** Elapsed times of running Pods move on this often, and only while one runs. */
const TICK_MS = 1_000;

/** Only lines that changed since the last frame are written; idle, it wakes only for a running Pod's clock. */
export class DashScreen {
  private shown: string[] = [];
  private pending: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private opened = false;
  private readonly resized = (): void => {
    this.shown = [];
    this.soon();
  };

  constructor(
    private readonly output: Writable & { readonly columns?: number; readonly rows?: number },
    private readonly frame: () => string[],
    private readonly moving: () => boolean = () => false,
  ) {}

  get height(): number {
    return this.output.rows ?? 24;
  }

  open(): void {
    this.opened = true;
    this.output.write(ALT_SCREEN_ON);
    this.output.on('resize', this.resized);
    this.ticker = setInterval(() => {
      if (this.moving()) this.soon();
    }, TICK_MS);
    this.draw();
  }

  soon(): void {
    if (this.opened) this.pending ??= setTimeout(() => this.draw(), FRAME_MS);
  }

  close(): void {
    if (!this.opened) return;
    this.opened = false;
    clearTimeout(this.pending);
    clearInterval(this.ticker);
    this.output.off('resize', this.resized);
    this.output.write(ALT_SCREEN_OFF);
  }

  private draw(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    if (!this.opened) return;
    const lines = this.frame();
    let out = '';
    lines.forEach((line, row) => {
      if (this.shown[row] !== line) out += `\u001b[${row + 1};1H${line}\u001b[K`;
    });
    if (lines.length < this.shown.length) out += `\u001b[${lines.length + 1};1H\u001b[J`;
    this.shown = lines;
    if (out !== '') this.output.write(out);
  }
}
