import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, SRC, sourceFiles } from './import-graph.js';

const LAYERS = ['domain', 'application', 'adapters', 'composition'] as const;
type Layer = (typeof LAYERS)[number];

/** Every module specifier a file imports, statically or dynamically. */
const imports = (file: string): string[] => importsOf(file).map((i) => i.spec);

function layerOf(path: string): Layer | undefined {
  const top = relative(SRC, path).split('/')[0];
  return LAYERS.find((l) => l === top);
}

describe('the dependency rule: domain ← application ← adapters ← composition', () => {
  const all = sourceFiles();

  it('finds the source files it checks', () => {
    expect(all.filter((f) => layerOf(f) === 'domain').length).toBeGreaterThan(10);
  });

  it('keeps the domain free of anything outside itself, node built-ins and packages included', () => {
    const offenders = all
      .filter((f) => layerOf(f) === 'domain')
      .flatMap((f) => imports(f).filter((spec) => !spec.startsWith('./')).map((spec) => `${relative(SRC, f)} → ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('never lets an inner layer import an outer one', () => {
    const offenders = all.flatMap((f) => {
      const from = layerOf(f);
      if (!from) return [];
      return imports(f)
        .filter((spec) => spec.startsWith('.'))
        .flatMap((spec) => {
          const to = layerOf(resolve(f, '..', spec));
          return to && LAYERS.indexOf(to) > LAYERS.indexOf(from) ? [`${relative(SRC, f)} → ${spec}`] : [];
        });
    });
    expect(offenders).toEqual([]);
  });
});
