import { describe, expect, it } from 'vitest';
import { jsonArrayStream } from '../../src/adapters/cli/json-array-stream.js';
import { textOutput } from '../../src/adapters/presentation/text-output.js';

const printed = (batches: readonly (readonly unknown[])[]) => {
  let text = '';
  const out = textOutput({ write: (t: string) => (text += t) }, { write: () => undefined }, 'test');
  const stream = jsonArrayStream(out);
  for (const batch of batches) stream.items(batch);
  stream.end();
  return text;
};

describe('a JSON array printed a batch at a time', () => {
  it('is byte for byte the whole array as `out.json` prints it, however it is cut into batches', () => {
    const items = [{ seq: 1, text: 'a\nb', nested: { list: [1, 2], empty: {} } }, { seq: 2 }, [], 'x', null, { seq: 3, deep: [{ a: [] }] }];
    const whole = `${JSON.stringify(items, null, 2)}\n`;
    expect(printed([items])).toBe(whole);
    expect(printed([items.slice(0, 1), [], items.slice(1, 4), items.slice(4)])).toBe(whole);
    expect(printed(items.map((item) => [item]))).toBe(whole);
  });

  it('prints [] when nothing came', () => {
    expect(printed([])).toBe('[]\n');
    expect(printed([[], []])).toBe('[]\n');
  });
});
