import { appendFile, chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const KEEP = 1000;
/** A longer line is not kept: it is more likely pasted data than something to type again. */
const LONGEST = 2000;

/** Appended JSON lines, so two TUIs interleave; 0600; a line starting with a space is kept out. Never throws. */
export class LineHistoryFile {
  private last: string | undefined;
  private failure: string | undefined;
  private report: (reason: string) => void = () => undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  onFailure(handler: (reason: string) => void): void {
    this.report = handler;
    if (this.failure !== undefined) handler(this.failure);
  }

  async load(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.fail(error);
      return [];
    }
    const lines: string[] = [];
    for (const raw of text.split('\n')) {
      try {
        const line: unknown = JSON.parse(raw);
        if (typeof line === 'string') lines.push(line);
      } catch {
        // A torn last line (a TUI killed mid-write) or a foreign one: skipped.
      }
    }
    const newestFirst: string[] = [];
    const seen = new Set<string>();
    for (let i = lines.length - 1; i >= 0 && newestFirst.length < KEEP; i--) {
      const line = lines[i] as string;
      if (seen.has(line)) continue;
      seen.add(line);
      newestFirst.push(line);
    }
    this.last = newestFirst[0];
    if (lines.length > 2 * KEEP) this.queue(() => this.rewrite([...newestFirst].reverse()));
    return newestFirst;
  }

  add(line: string): void {
    if (line.trim() === '' || line.startsWith(' ') || line.length > LONGEST || line === this.last) return;
    this.last = line;
    this.queue(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await appendFile(this.path, `${JSON.stringify(line)}\n`, { mode: 0o600 });
      await chmod(this.path, 0o600);
    });
  }

  flushed(): Promise<void> {
    return this.writes;
  }

  private async rewrite(oldestFirst: readonly string[]): Promise<void> {
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, oldestFirst.map((line) => `${JSON.stringify(line)}\n`).join(''), { mode: 0o600 });
    await rename(temp, this.path);
  }

  private queue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((error: unknown) => this.fail(error));
  }

  /** Said once: recall is a convenience, not worth a line per Enter. */
  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = `line history not kept in ${this.path}: ${error instanceof Error ? error.message : String(error)}`;
    this.report(this.failure);
  }
}
