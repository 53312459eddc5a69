// A small native == reference check for running under an emulated CPU, where the full vitest suite
// is far too slow:
//   qemu-x86_64 -cpu Nehalem $(which node) test/cpu/simd-smoke.mjs
//   qemu-x86_64 -cpu Haswell $(which node) test/cpu/simd-smoke.mjs
//   qemu-x86_64 -cpu Conroe $(which node) test/cpu/simd-smoke.mjs   (Core 2: no SSE4, no POPCNT)
// Prints info().simd / simdLevels, then runs each op the SIMD kernels serve at every level the CPU
// offers and compares with the pure-TS reference (exact: Float64 points, integer sets). Uses dist/
// (npm run build:ts). Exits 1 on any mismatch; a SIGILL would kill it instead.
// The modules themselves, not the package root: the root also loads sharp, whose libvips needs
// x86-64-v2, so it could not run on the pre-Nehalem CPUs this addon supports (qemu -cpu Conroe).
import * as geometry from '../../dist/geometry.js';
import * as sampling from '../../dist/sampling.js';
import * as refGeometry from '../../dist/reference/geometry.js';
import * as refSampling from '../../dist/reference/sampling.js';

const native = { ...geometry, ...sampling };
const ref = { ...refGeometry, ...refSampling };

const info = native.info();
console.log(`info().simd = ${info.simd}, info().simdLevels = ${JSON.stringify(info.simdLevels)}`);

let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const N = 20_000, F = 5, W = 64, H = 48;
const pts64 = Float64Array.from({ length: 3 * N }, (_, i) => (i % 3 === 2 ? 1 + 4 * rand() : 4 * rand() - 2));
const pts32 = Float32Array.from(pts64);
const cams = Array.from({ length: F }, (_, f) => {
  const a = 0.1 * f;
  const pose = Float64Array.of(Math.cos(a), 0, Math.sin(a), 0.1 * f, 0, 1, 0, 0, -Math.sin(a), 0, Math.cos(a), -0.5, 0, 0, 0, 1);
  return { intrinsics: { fx: 40, fy: 40, cx: 31.5, cy: 23.5, width: W, height: H }, pose };
});
const depths = cams.map(() => ({ width: W, height: H, data: Float32Array.from({ length: W * H }, (_, i) => (i % 17 === 0 ? 0 : 1 + 3 * rand())) }));

const same = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
const failures = [];
const check = (what, ok) => {
  if (!ok) failures.push(what);
};

for (const simd of info.simdLevels) {
  native.configure({ simd });
  const p = native.projectPoints(pts64, cams), pr = ref.projectPoints(pts64, cams);
  check(`${simd} projectPoints`, same(p.uv, pr.uv) && same(p.depth, pr.depth));
  const sets = native.visibleSets(pts64, cams, depths), setsRef = ref.visibleSets(pts64, cams, depths);
  check(`${simd} visibleSets (Float64)`, sets.every((s, f) => same(s, setsRef[f])));
  const sets32 = native.visibleSets(pts32, cams, depths);
  const visible = sets32.reduce((n, s) => n + s.length, 0);
  check(`${simd} visibleSets (Float32) finds points`, visible > N / 10);
  check(`${simd} overlapMatrix`, same(native.overlapMatrix(sets32), ref.overlapMatrix(sets32)));
  const sel = native.voxelCoverageSelect([pts32, pts32.subarray(0, 3 * 5000)], 2, { voxelSize: 0.25 });
  check(`${simd} voxelCoverageSelect`, JSON.stringify(sel) === JSON.stringify(ref.voxelCoverageSelect([pts32, pts32.subarray(0, 3 * 5000)], 2, { voxelSize: 0.25 })));
  console.log(`${simd}: projectPoints, visibleSets (${visible} visible), overlapMatrix, voxelCoverageSelect checked`);
}
native.configure({ simd: info.simd });
if (failures.length) {
  console.log(`FAIL: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('OK');
