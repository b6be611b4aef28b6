export type TextSink = { write(text: string): unknown };

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

export type TextOutput = {
  readonly line: (text: string) => void;
  readonly json: (value: unknown) => void;
  readonly fail: (text: string) => void;
  /** So a command printing page after page holds one page; false when its reader went away (`| head`). */
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
