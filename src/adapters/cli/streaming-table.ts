/** Each column as wide as the widest cell seen so far, so memory holds one batch; earlier lines stay as printed. */
export class StreamingTable {
  private readonly widths: number[] = [];
  private header: readonly string[] | undefined;

  constructor(header: readonly string[]) {
    this.header = header;
  }

  lines(rows: readonly (readonly string[])[]): readonly string[] {
    const batch = this.header ? [this.header, ...rows] : rows;
    this.header = undefined;
    for (const row of batch) row.forEach((cell, i) => (this.widths[i] = Math.max(this.widths[i] ?? 0, cell.length)));
    return batch.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(this.widths[i] ?? 0))).join('  '));
  }
}
