// The cost of async jobs owning their memory (issue 14, item 6): since the fix, an *Async call
// copies its inputs into job-owned memory at the call and delivers its outputs at the end, so that
// detaching a buffer meanwhile cannot make it read or write freed memory. A/B in one process: the
// raw async bindings of this build against an older build loaded with require (default: main's,
// ../main/build/Release/spatial_geom.node), on the bench scenes (1M points, ring cameras, 640x480
// wavy depth maps). Also prints the bytes each call copies and a memcpy of them (the lower bound of
// the copy's cost), and the time of the synchronous op.
//   node --expose-gc bench/async.bench.mjs [--quick] [--old path/to/spatial_geom.node]
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hz, hzAsync } from './hz.mjs';
import { packCameras } from '../dist/validate.js';
import { randomPoints, ringCameras, wavyDepths } from './scenes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const oldPath = resolve(args.includes('--old') ? args[args.indexOf('--old') + 1] : resolve(root, '..', 'main', 'build', 'Release', 'spatial_geom.node'));
const require = createRequire(import.meta.url);
const now = require(resolve(root, 'build', 'Release', 'spatial_geom.node'));
if (!existsSync(oldPath)) throw new Error(`no old build at ${oldPath} (pass --old)`);
const old = require(oldPath);
const N = quick ? 200_000 : 1_000_000;


/** ops/s of a memcpy of `bytes` into memory already faulted in (what a job's copy costs once its
 * blocks come from the addon's cache of freed job blocks; into fresh memory it costs the page faults too). */
function copyHz(bytes) {
  const src = new Uint8Array(bytes).fill(1), dst = new Uint8Array(bytes);
  return hz(`memcpy ${bytes}`, () => dst.set(src));
}

const rows = [];
async function compare(op, size, bytes, run, sync) {
  // Interleaved rounds (the machine is shared): the best of each.
  let a = 0, b = 0;
  for (let round = 0; round < 2; round++) {
    a = Math.max(a, await hzAsync(`${op} old`, () => run(old)));
    b = Math.max(b, await hzAsync(`${op} new`, () => run(now)));
  }
  const s = hz(`${op} sync`, () => sync(now));
  const c = copyHz(bytes);
  const row = { op, size, oldMs: 1000 / a, newMs: 1000 / b, ratio: a / b, syncMs: 1000 / s, copiedMB: bytes / 1e6, copyMs: 1000 / c };
  rows.push(row);
  console.log(`${op.padEnd(22)} ${size.padEnd(34)} old ${row.oldMs.toFixed(2).padStart(8)} ms | new ${row.newMs.toFixed(2).padStart(8)} ms | new/old x${(row.newMs / row.oldMs).toFixed(3)} | sync ${row.syncMs.toFixed(2)} ms | copies ${row.copiedMB.toFixed(1)} MB = ${row.copyMs.toFixed(2)} ms memcpy (${((100 * row.copyMs) / row.syncMs).toFixed(1)}% of sync)`);
}

const pts = randomPoints(N);
const cams64 = ringCameras(64);
const depths64 = wavyDepths(cams64).map((d) => d.data);
console.log(`async A/B: ${N} points; old = ${oldPath}\n`);

for (const F of [8, 64]) {
  const packed = packCameras(cams64.slice(0, F));
  const depths = depths64.slice(0, F);
  const bytes = pts.byteLength + depths.reduce((s, d) => s + d.byteLength, 0);
  await compare('visibleSetsAsync', `${N / 1e6}M points x ${F} x 640x480`, bytes,
    (m) => m.visibleSetsAsync(pts, packed, depths, 1e-6, 0.05), (m) => m.visibleSets(pts, packed, depths, 1e-6, 0.05));
}

const sets = now.visibleSets(pts, packCameras(cams64), depths64, 1e-6, 0.05);
{
  const out = new Float32Array(sets.length ** 2);
  const bytes = sets.reduce((s, x) => s + x.byteLength, 0) + 2 * out.byteLength;
  const avg = Math.round(sets.reduce((s, x) => s + x.length, 0) / sets.length);
  await compare('overlapMatrixAsync', `${sets.length} sets, ~${avg} indices each`, bytes, (m) => m.overlapMatrixAsync(sets, out), (m) => m.overlapMatrix(sets, out));
}

{
  const t = 30, n = quick ? 1000 : 3000;
  const tracks = new Float32Array(3 * t * n);
  for (let f = 0; f < t; f++) for (let i = 0; i < n; i++) tracks.set([pts[3 * i] + 0.1 * f * (i % 4), pts[3 * i + 1], pts[3 * i + 2]], 3 * (f * n + i));
  const labels = new Int32Array(n);
  await compare('rigidSegmentationAsync', `${n} tracks x ${t} frames`, tracks.byteLength + 2 * labels.byteLength,
    (m) => m.rigidSegmentationAsync(tracks, t, 0.01, 0.1, labels), (m) => m.rigidSegmentation(tracks, t, 0.01, 0.1, labels));
}

{
  const frames = quick ? 16 : 64, per = Math.floor(N / frames);
  const maps = Array.from({ length: frames }, (_, f) => pts.subarray(3 * f * per, 3 * (f + 1) * per));
  const bytes = maps.reduce((s, m) => s + m.byteLength, 0);
  await compare('voxelCoverageSelectAsync', `${frames} maps of ${per} points`, bytes,
    (m) => m.voxelCoverageSelectAsync(maps, undefined, 8, frames, 0.1), (m) => m.voxelCoverageSelect(maps, undefined, 8, frames, 0.1));
}

console.log('\n' + JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? +v.toFixed(3) : v])))));
