/**
 * What a terminal would show for the bytes the TUI wrote: a grid of `columns` with the
 * cursor moves, line clears and wraps readline and the TUI's screen use. Scrolled-off rows
 * are kept, as a terminal's scroll-back does, so a test reads the whole session.
 */
export class VirtualTerminal {
  private readonly rows: string[][] = [[]];
  private row = 0;
  private col = 0;

  constructor(private readonly columns: number) {}

  write(text: string): void {
    const tokens = text.match(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]|[^\u001b]/gu) ?? [];
    for (const token of tokens) this.apply(token);
  }

  /** The screen as text: each row without trailing blanks, empty rows at the end dropped. */
  text(): string {
    const lines = this.rows.map((r) => r.join('').replace(/\s+$/u, ''));
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines.join('\n');
  }

  /** The row the cursor is on. */
  cursorLine(): string {
    return (this.rows[this.row] ?? []).join('').replace(/\s+$/u, '');
  }

  private line(): string[] {
    while (this.rows.length <= this.row) this.rows.push([]);
    return this.rows[this.row]!;
  }

  private apply(token: string): void {
    if (token.startsWith('\u001b[')) {
      const final = token.at(-1)!;
      const args = token.slice(2, -1);
      const n = args === '' || args.startsWith('?') ? 1 : Number(args.split(';')[0]);
      switch (final) {
        case 'A': this.row = Math.max(0, this.row - n); return;
        case 'B': this.row += n; return;
        case 'C': this.col += n; return;
        case 'D': this.col = Math.max(0, this.col - n); return;
        case 'G': this.col = Math.max(0, n - 1); return;
        case 'J': // clear from the cursor down
          if (args === '' || args === '0') {
            this.line().length = Math.min(this.line().length, this.col);
            this.rows.length = this.row + 1;
          }
          return;
        case 'K':
          if (args === '' || args === '0') this.line().length = Math.min(this.line().length, this.col);
          else if (args === '2') this.line().length = 0;
          return;
        default:
          return; // colours, modes (bracketed paste): nothing to show
      }
    }
    if (token.length > 1 && token.startsWith('\u001b')) return;
    if (token === '\r') {
      this.col = 0;
      return;
    }
    if (token === '\n') {
      this.row += 1;
      this.col = 0;
      this.line();
      return;
    }
    if (this.col >= this.columns) {
      this.row += 1;
      this.col = 0;
    }
    const line = this.line();
    while (line.length < this.col) line.push(' ');
    line[this.col] = token;
    this.col += 1;
  }
}
