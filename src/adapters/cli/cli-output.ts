/** Anything text can be written to: `process.stdout`, or a test's collector. */
export type TextSink = { write(text: string): unknown };

/** Where a command's results (stdout) and complaints (stderr) go. */
export type CliOutput = {
  /** One line of human output on stdout. */
  readonly line: (text: string) => void;
  /** A JSON document on stdout: scripts parse this. */
  readonly json: (value: unknown) => void;
  /** One line on stderr, prefixed with the command it concerns. */
  readonly fail: (text: string) => void;
};

export function cliOutput(stdout: TextSink, stderr: TextSink, prefix: string): CliOutput {
  return {
    line: (text) => stdout.write(`${text}\n`),
    json: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    fail: (text) => stderr.write(`${prefix}: ${text}\n`),
  };
}
