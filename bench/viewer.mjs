// The viewer on a 100k-sample output: time to write OUT/viewer, size of what the page loads first
// (index.js) against all the data, and in headless chromium (Debian's, via playwright-core) the time
// to the first rendered page and to a question-type filter switch.
//   npm run build:ts && node bench/viewer.mjs [SAMPLES]
// The output is the demo's samples repeated with new ids (images shared) until SAMPLES (100000).
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { main } from '../dist/engine/cli.js';
import { writeViewer } from '../dist/engine/viewer.js';

const N = Number(process.argv[2] ?? 100_000);
const root = mkdtempSync(join(tmpdir(), 'viewer-bench-'));
try {
  const demo = join(root, 'demo');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // the demo's report
  await main(['demo', '--out', demo, '--frames', '20']);
  process.stdout.write = write;
  const out = join(root, 'big');
  cpSync(demo, out, { recursive: true });
  rmSync(join(out, 'dynamic'), { recursive: true });
  const base = ['qa_train.jsonl', 'qa_eval.jsonl'].map((f) => readFileSync(join(demo, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  const per = base[0].length + base[1].length;
  const lines = [[], []];
  for (let k = 0; lines[0].length + lines[1].length < N; k++)
    for (const s of [0, 1]) for (const x of base[s]) if (lines[0].length + lines[1].length < N) lines[s].push(JSON.stringify({ ...x, id: `${x.id}#${k}` }));
  writeFileSync(join(out, 'qa_train.jsonl'), lines[0].join('\n') + '\n');
  writeFileSync(join(out, 'qa_eval.jsonl'), lines[1].join('\n') + '\n');
  const jsonlMb = (statSync(join(out, 'qa_train.jsonl')).size + statSync(join(out, 'qa_eval.jsonl')).size) / 1e6;

  let t = performance.now();
  const r = await writeViewer(out);
  const writeMs = performance.now() - t;
  const dataDir = join(out, 'viewer', 'data');
  const indexMb = statSync(join(dataDir, 'index.js')).size / 1e6;
  const chunkBytes = readdirSync(dataDir).filter((f) => f.startsWith('chunk-')).map((f) => statSync(join(dataDir, f)).size);
  console.log(`${r.samples} samples (${per} demo samples repeated; JSONL ${jsonlMb.toFixed(1)} MB): view wrote ${r.chunks} chunks in ${(writeMs / 1000).toFixed(1)} s; ` +
    `index.js ${indexMb.toFixed(2)} MB, chunks ${(chunkBytes.reduce((a, b) => a + b, 0) / 1e6).toFixed(1)} MB in all (largest ${(Math.max(...chunkBytes) / 1e3).toFixed(0)} kB)`);

  const browser = await chromium.launch({ executablePath: process.env.SPATIAL_GEOM_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const loaded = new Set();
  page.on('request', (q) => loaded.add(q.url()));
  const settled = () => page.waitForFunction(() => document.getElementById('gallery').getAttribute('aria-busy') === 'false' && [...document.images].every((i) => i.complete), null, { timeout: 120_000 });
  t = performance.now();
  await page.goto(pathToFileURL(r.index).href);
  await settled();
  const firstMs = performance.now() - t;
  const chunksFirst = [...loaded].filter((u) => u.includes('/chunk-')).length;
  const types = await page.$$eval('#f-type option', (o) => o.map((x) => x.textContent).filter((x) => x !== 'all'));
  t = performance.now();
  await page.selectOption('#f-type', { label: types[types.length - 1] });
  await settled();
  const filterMs = performance.now() - t;
  t = performance.now();
  await page.click('#next');
  await settled();
  const nextMs = performance.now() - t;
  console.log(`chromium from file://: first page ${(firstMs / 1000).toFixed(2)} s (loading index.js + ${chunksFirst} chunk${chunksFirst === 1 ? '' : 's'} + images), ` +
    `filter switch ${(filterMs / 1000).toFixed(2)} s, next page ${(nextMs / 1000).toFixed(2)} s; chunks loaded in all ${[...loaded].filter((u) => u.includes('/chunk-')).length} of ${r.chunks}`);
  await browser.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
