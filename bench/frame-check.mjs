// Cost of the colour-frame check (checkFrameFile) on the ScanNet sample, against a header read and a
// full decode: npm run build:ts && node bench/frame-check.mjs
import { readdirSync } from 'node:fs';
import { checkFrameFile, readImageInfo, readImage } from '../dist/io/image.js';
const dir = new URL('../../shared/data/hololens-scannet/color', import.meta.url).pathname;
const files = readdirSync(dir).map((f) => `${dir}/${f}`);
const time = async (name, fn) => {
  for (const f of files) await fn(f); // warm the page cache and sharp
  const t0 = performance.now();
  for (let r = 0; r < 5; r++) for (const f of files) await fn(f);
  const ms = (performance.now() - t0) / 5;
  console.log(`${name}: ${ms.toFixed(1)} ms for ${files.length} frames (${(ms / files.length).toFixed(2)} ms/frame)`);
};
await time('checkFrameFile (read + magic + IEND + sharp header + size)', (f) => checkFrameFile(f, { width: 540, height: 360, what: 'k' }));
await time('readImageInfo (read + sharp header)', (f) => readImageInfo(f));
await time('readImage (full decode, for comparison)', (f) => readImage(f));
