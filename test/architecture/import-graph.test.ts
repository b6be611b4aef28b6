import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circles, fromSrc, importGraph, SRC, sourceFiles } from './import-graph.js';
import { KNOWN_ADAPTER_CROSSINGS, KNOWN_TYPE_CIRCLES } from './known-crossings.js';

/** The adapter family of a file: the folder under src/adapters it sits in (none for files directly in src/adapters, which every family shares). */
function familyOf(path: string): string | undefined {
  const parts = relative(join(SRC, 'adapters'), path).split('/');
  return parts.length > 1 && parts[0] !== '..' ? parts[0] : undefined;
}

/**
 * Families any other may import: what several adapters share by design. Their own imports of
 * other families are crossings like any other, so they stay self-contained.
 */
const SHARED_FAMILIES: ReadonlySet<string> = new Set(['presentation']);

describe('the import graph of src', () => {
  const files = sourceFiles();

  it('finds a circle when there is one, and none in a tree', () => {
    const graph = new Map([
      ['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []], ['e', ['e']], ['f', ['d']],
    ]);
    expect(circles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(circles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('reads the imports it checks, multi-line and dynamic ones included', () => {
    const graph = importGraph(files, () => true);
    const tui = [...graph].find(([file]) => fromSrc(file) === 'adapters/cli/commands/tui-command.ts');
    expect(tui?.[1].map(fromSrc)).toContain('adapters/tui/run-tui.ts');
    expect([...graph.values()].flat().length).toBeGreaterThan(1_000);
  });

  it('has no import circle a running program follows (value imports)', () => {
    expect(circles(importGraph(files, (i) => !i.typeOnly)).map((c) => c.map(fromSrc))).toEqual([]);
  });

  it('has no circle through type imports beyond the known ones', () => {
    expect(circles(importGraph(files, () => true)).map((c) => c.map(fromSrc))).toEqual(KNOWN_TYPE_CIRCLES);
  });

  it('lets no adapter family import another beyond the known crossings, each of which still exists', () => {
    const crossings: string[] = [];
    for (const [file, targets] of importGraph(files, () => true)) {
      const from = familyOf(file);
      if (from === undefined) continue;
      for (const target of targets) {
        const to = familyOf(target);
        if (to !== undefined && to !== from && !SHARED_FAMILIES.has(to)) crossings.push(`${fromSrc(file)} → ${fromSrc(target)}`);
      }
    }
    expect(crossings.sort()).toEqual([...KNOWN_ADAPTER_CROSSINGS].sort());
  });
});
