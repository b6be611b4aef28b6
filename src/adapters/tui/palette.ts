export type Paint = (text: string) => string;

/** By what they mark rather than by hue, so every screen says the same thing the same way. */
export type Palette = {
  readonly on: boolean;
  readonly you: Paint;
  readonly assistant: Paint;
  readonly tool: Paint;
  readonly peer: Paint;
  readonly notice: Paint;
  readonly refusal: Paint;
  readonly status: Paint;
  readonly running: Paint;
  readonly stopped: Paint;
  readonly errored: Paint;
  readonly warning: Paint;
  readonly bold: Paint;
  readonly selected: Paint;
};

const sgr = (open: string): Paint => (text) => (text === '' ? text : `\u001b[${open}m${text}\u001b[0m`);
const plain: Paint = (text) => text;

export const COLOURS: Palette = {
  on: true,
  you: sgr('1;36'),
  assistant: sgr('32'),
  tool: sgr('35'),
  peer: sgr('33'),
  notice: sgr('2'),
  refusal: sgr('31'),
  status: sgr('2'),
  running: sgr('32'),
  stopped: sgr('2'),
  errored: sgr('31'),
  warning: sgr('33'),
  bold: sgr('1'),
  selected: sgr('7'),
};

export const NO_COLOURS: Palette = Object.fromEntries(Object.keys(COLOURS).map((key) => [key, key === 'on' ? false : plain])) as Palette;

/** Colour only on a terminal, and never when the user set NO_COLOR. */
export const paletteFor = (output: { readonly isTTY?: boolean }, noColor: boolean | undefined): Palette =>
  output.isTTY === true && noColor !== true ? COLOURS : NO_COLOURS;
