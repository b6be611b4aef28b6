import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { importsOf, sourceFiles } from '../architecture/import-graph.js';

/**
 * Which test files go to which vitest project (vitest.config.ts), read from the files
 * themselves so that a new file lands in the right one without a list to keep:
 * - `store`: a file that reaches the run's shared server, i.e. imports `test-stores.ts`
 *   directly or through other test modules; only this project starts the server.
 * - `e2e`: a file that drives real processes and needs no shared server: by its
 *   `.e2e.test.ts` name, where it lives (agents, bubblewrap, the tickets script, several
 *   processes), or what it imports (the built CLI, a managed server of its own).
 * - `unit`: everything else, in one process with no server: a domain or application change is
 *   checked in seconds (`npx vitest run --project unit`).
 * A file that runs its body on every store (`describeOnEveryStore`) is in `unit` too, there
 * on the in-memory store alone, and in `store` on the servers: each store once per run.
 */
export type TestProjects = { readonly unit: string[]; readonly store: string[]; readonly e2e: string[] };

const E2E_DIRS = ['test/e2e/', 'test/multi-process/', 'test/sandbox/', 'test/agents/', 'test/tickets/'];
const SERVER_MODULES = ['test/support/test-stores.ts'];
const PROCESS_MODULES = ['test/cli/shared-cli-build.ts', 'src/adapters/persistence/managed-postgres/managed-postgres.ts'];
const EVERY_STORE = /\bdescribeOnEveryStore\(/;

export function testProjects(root: string): TestProjects {
  const files = sourceFiles(join(root, 'test')).filter((file) => file.endsWith('.test.ts')).map((file) => relative(root, file));
  const reachesServer = reaching(root, SERVER_MODULES);
  const startsProcesses = reaching(root, PROCESS_MODULES);
  const unit: string[] = [];
  const store: string[] = [];
  const e2e: string[] = [];
  for (const file of files) {
    if (reachesServer(file)) {
      store.push(file);
      if (EVERY_STORE.test(readFileSync(join(root, file), 'utf8'))) unit.push(file);
    } else if (file.endsWith('.e2e.test.ts') || E2E_DIRS.some((dir) => file.startsWith(dir)) || startsProcesses(file)) e2e.push(file);
    else unit.push(file);
  }
  return { unit, store, e2e };
}

/** Whether a test module imports one of `targets`, through any chain of relative imports of test modules. */
function reaching(root: string, targets: readonly string[]): (file: string) => boolean {
  const known = new Map<string, boolean>();
  const visit = (file: string, path: ReadonlySet<string>): boolean => {
    const cached = known.get(file);
    if (cached !== undefined) return cached;
    if (targets.includes(file)) return true;
    if (path.has(file) || !file.startsWith('test/')) return false;
    const within = new Set(path).add(file);
    const reached = runtimeImportsOf(root, file).some((imported) => visit(imported, within));
    known.set(file, reached);
    return reached;
  };
  return (file) => visit(file, new Set());
}

/** The modules (of test/ and src/) that `file` imports by a relative path and runs: an `import type` runs nothing, so it reaches no server. */
function runtimeImportsOf(root: string, file: string): string[] {
  return importsOf(join(root, file))
    .filter((i) => !i.typeOnly && i.spec.startsWith('.'))
    .map((i) => relative(root, resolve(root, dirname(file), i.spec.replace(/\.js$/, '.ts'))))
    .filter((target) => existsSync(join(root, target)));
}
