/** Anything text can be written to: `process.stdout`, or a test's collector. */
export type TextSink = { write(text: string): unknown };

/** A sink that can say it is full (a Node stream): `write` returned false until 'drain'. */
type Drainable = TextSink & {
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
};
const drainable = (sink: TextSink): sink is Drainable => 'writableNeedDrain' in sink && 'destroyed' in sink && 'once' in sink;

/** True once `sink` has taken what was written; false when its reader went away (EPIPE closes it). */
function drained(sink: TextSink): Promise<boolean> {
  if (!drainable(sink)) return Promise.resolve(true);
  if (sink.destroyed) return Promise.resolve(false);
  if (!sink.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (open: boolean) => () => {
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      resolve(open);
    };
    const onDrain = done(true);
    const onClose = done(false);
    sink.once('drain', onDrain);
    sink.once('close', onClose);
  });
}

/** Where a surface's results (stdout) and complaints (stderr) go: a `pods` command's, or the TUI's on a pipe. */
export type TextOutput = {
  /** One line of human output on stdout. */
  readonly line: (text: string) => void;
  /** A JSON document on stdout: scripts parse this. */
  readonly json: (value: unknown) => void;
  /** One line on stderr, prefixed with the command it concerns. */
  readonly fail: (text: string) => void;
  /**
   * Resolves once stdout has taken what was written (a slow pipe, a paused terminal), so a
   * command that prints page after page holds one page, not everything the reader has not
   * read; false when its reader went away (`| head`): nothing more needs printing.
   */
  readonly drained?: () => Promise<boolean>;
};

export function textOutput(stdout: TextSink, stderr: TextSink, prefix: string): TextOutput {
  return {
    line: (text) => stdout.write(`${text}\n`),
    json: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    fail: (text) => stderr.write(`${prefix}: ${text}\n`),
    drained: () => drained(stdout),
  };
}
