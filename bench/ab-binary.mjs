// A/B of two builds of the addon in ONE process, interleaved round by round, on the bench's SIMD-bound
// ops (1M points): this checkout's build/Release/spatial_geom.node ("new") against another build
// ("old", e.g. a -march=native build of main). Both are called through the raw binding, so only the
// compiled code differs.
//   node --expose-gc bench/ab-binary.mjs --old=/work/main/build/Release/spatial_geom.node [--rounds=9]
//        [--simd=avx512] [--threads=N] [--only=project8,visible64]
// --simd runs the new build at that level (configure); --threads sets both builds' thread count.
// Prints per-op medians and minima over rounds of the time of one call, and new/old ratios.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { packCameras } from '../dist/validate.js';
import { randomPoints, ringCameras, wavyDepths } from './scenes.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const require = createRequire(import.meta.url);
const newPath = fileURLToPath(new URL('../build/Release/spatial_geom.node', import.meta.url));
const oldPath = arg('old');
if (!oldPath) throw new Error('--old=<path to the other build of spatial_geom.node> is required');
const rounds = Number(arg('rounds', '9'));
const only = arg('only')?.split(',');
const builds = { new: require(newPath), old: require(oldPath) };
const simd = arg('simd');
if (simd) builds.new.configure(undefined, undefined, undefined, simd);
const threads = arg('threads');
if (threads) for (const b of Object.values(builds)) b.configure(Number(threads));

const N = 1_000_000;
const pts = randomPoints(N);
const cams64 = ringCameras(64);
const packed = (f) => packCameras(cams64.slice(0, f));
const depthData = wavyDepths(cams64).map((d) => d.data);
const uv = new Float32Array(2 * N * 8), depth = new Float32Array(N * 8);
const sets64 = builds.new.visibleSets(pts, packCameras(ringCameras(64)), wavyDepths(ringCameras(64)).map((d) => d.data), 1e-6, 0.05);
const overlapOut = new Float32Array(64 * 64);

// Other native ops, to see what the rest of the addon (plain x86-64 now, -march=native before) costs.
const img = Uint8Array.from({ length: 1920 * 1440 * 3 }, (_, i) => (i * 2654435761) >>> 24);
const imgOut = new Uint8Array(640 * 480 * 3);
const resampleMap = Float64Array.of(3, 1, 3, 1); // 1920x1440 -> 640x480 at pixel centres
const pointMaps = Array.from({ length: 32 }, (_, f) => pts.subarray(3 * 20_000 * f, 3 * 20_000 * (f + 10)));
const tracks = Float32Array.from({ length: 3 * 60 * 2000 }, (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32 + 0.01 * Math.floor(i / 6000));
const labels = new Int32Array(2000);

const ops = {
  project1: (b) => b.projectPoints(pts, packed(1), uv.subarray(0, 2 * N), depth.subarray(0, N)),
  project8: (b) => b.projectPoints(pts, packed(8), uv, depth),
  visible1: (b) => b.visibleSets(pts, packed(1), depthData.slice(0, 1), 1e-6, 0.05),
  visible64: (b) => b.visibleSets(pts, packed(64), depthData, 1e-6, 0.05),
  overlap64: (b) => b.overlapMatrix(sets64, overlapOut),
  resample: (b) => b.resampleImage(img, 1920, 1440, 3, imgOut, 640, 480, resampleMap, Uint8Array.of(0, 0, 0)),
  voxelSelect: (b) => b.voxelCoverageSelect(pointMaps, undefined, 8, 32, 0.05),
  multiSpa8: (b) => b.visibleSetsMultiSpa(pts, packed(8), depthData.slice(0, 8), Float64Array.from({ length: 16 }, (_, i) => (i % 2 ? 480 : 640))),
  rigidSeg: (b) => b.rigidSegmentation(tracks, 60, 0, 0.02, labels),
};

/** Milliseconds per call: enough calls for ~150 ms (at least 2), after one warm-up call. */
function msPerCall(fn) {
  fn();
  let calls = 0;
  const t0 = process.hrtime.bigint();
  let t = t0;
  while (calls < 2 || t - t0 < 150_000_000n) {
    fn();
    calls++;
    t = process.hrtime.bigint();
  }
  return Number(t - t0) / 1e6 / calls;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`new: ${newPath} (simd ${builds.new.info().simd}, threads ${builds.new.info().threads})`);
console.log(`old: ${oldPath} (threads ${builds.old.info().threads})`);
console.log(`${rounds} rounds, the two builds alternating (order swapped every round)\n`);
console.log('op          new median / min (ms)   old median / min (ms)   new/old time: median  min');
for (const [name, op] of Object.entries(ops)) {
  if (only && !only.includes(name)) continue;
  const t = { new: [], old: [] };
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 ? ['old', 'new'] : ['new', 'old']) {
      globalThis.gc?.();
      t[which].push(msPerCall(() => op(builds[which])));
    }
  }
  const f = (x) => x.toFixed(2).padStart(8);
  const [mn, mo] = [median(t.new), median(t.old)];
  const [bn, bo] = [Math.min(...t.new), Math.min(...t.old)];
  console.log(`${name.padEnd(11)} ${f(mn)} / ${f(bn)}      ${f(mo)} / ${f(bo)}      ${(mn / mo).toFixed(3).padStart(12)} ${(bn / bo).toFixed(3).padStart(5)}`);
}
