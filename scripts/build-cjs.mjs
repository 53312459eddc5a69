#!/usr/bin/env node
// The CommonJS build, for `require('@spatial/geom')` on Node versions without require(esm): one
// esbuild bundle per entry point (dependencies stay external), and the ESM build's declarations
// mirrored as .d.cts so TypeScript sees CommonJS types under `require`. Run after tsc (build:ts).
//
// esbuild (not a second tsc pass with module=commonjs): the sources use `import.meta.url`, which has
// no CommonJS form; esbuild replaces it with the bundle's own file URL.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = join(dist, 'cjs');
const entries = { index: 'lib/index.ts', 'reference/index': 'lib/reference/index.ts', dataset: 'lib/dataset.ts' };

await build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(root, file)])),
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  define: { 'import.meta.url': '__spatialGeomModuleUrl' },
  banner: { js: "const __spatialGeomModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// dist/**/*.d.ts -> dist/cjs/**/*.d.cts with relative specifiers './x.js' -> './x.cjs'.
const specifier = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\.js\2/g;
function mirror(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== out) mirror(path);
    } else if (entry.name.endsWith('.d.ts')) {
      const target = join(out, relative(dist, path)).replace(/\.d\.ts$/, '.d.cts');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(path, 'utf8').replace(specifier, '$1$2$3.cjs$2'));
    }
  }
}
mirror(dist);
