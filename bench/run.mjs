// `npm run bench`: benchmark.js suites on million-point scenes. For each case, measured in the same
// run: native ops/s and its ratio to (a) the pure-TS reference, (b) a tuned plain-JS loop where one
// exists, (c) numpy / OpenCV on the same bytes when /usr/bin/python3 has them (`npm run
// bench:setup`), (d) a memcpy moving the same number of bytes as the op must read + write.
// projectPoints, visibleSets and overlapMatrix are also measured at every SIMD level this CPU offers
// (configure({ simd }) in the same run: the "ops/s at <level>" columns; "native ops/s" is the level
// the addon picked, the best one unless SPATIAL_GEOM_SIMD says otherwise).
// Writes bench/results.json and bench/results.md (the README's table).
//   node --expose-gc bench/run.mjs [--quick] [--only=visibleSets,overlapMatrix]
// --only runs just the named ops (numpy still runs in full) and leaves results.json / results.md as
// they are: a partial run is for A/B checks, not for the README table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hz } from './hz.mjs';
import * as native from '../dist/index.js';
import * as ref from '../dist/reference/index.js';
import { writeNpy } from './npy.mjs';
import { randomPoints, ringCameras, wavyDepths } from './scenes.mjs';
import { overlapTuned, projectTuned, visibleTuned } from './tuned-js.mjs';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const want = (op) => !only || only.has(op);
const N = quick ? 200_000 : 1_000_000;

const slow = { minSamples: 1, maxTime: 0.1 };

/** ops/s of a memcpy moving `bytes` of traffic (bytes/2 read, bytes/2 written). */
function memcpyHz(bytes) {
  const half = Math.max(1, Math.round(bytes / 2));
  const src = new Uint8Array(half).fill(1), dst = new Uint8Array(half);
  return hz(`memcpy ${half}`, () => dst.set(src));
}

// numpy / OpenCV on the same bytes (optional).
function numpyTimes(pts, cams, depths) {
  const py = '/usr/bin/python3';
  if (spawnSync(py, ['-c', 'import numpy'], { stdio: 'ignore' }).status !== 0) {
    console.log('numpy: not importable by /usr/bin/python3 (run `npm run bench:setup`); numpy columns left empty\n');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'spatial-bench-'));
  try {
    const F = cams.length, { width: W, height: H } = cams[0].intrinsics;
    writeNpy(join(dir, 'points.npy'), pts, [pts.length / 3, 3]);
    writeNpy(join(dir, 'intrinsics.npy'), Float64Array.from(cams.flatMap((c) => [c.intrinsics.fx, c.intrinsics.fy, c.intrinsics.cx, c.intrinsics.cy, c.intrinsics.width, c.intrinsics.height])), [F, 6]);
    writeNpy(join(dir, 'poses.npy'), Float64Array.from(cams.flatMap((c) => [...c.pose])), [F, 4, 4]);
    const all = new Float32Array(F * W * H);
    depths.forEach((d, f) => all.set(d.data, f * W * H));
    writeNpy(join(dir, 'depths.npy'), all, [F, H, W]);
    console.log('running numpy / OpenCV on the same bytes ...');
    const r = spawnSync(py, [new URL('./numpy_compare.py', import.meta.url).pathname, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`numpy_compare.py failed: ${r.stderr}`);
    const t = JSON.parse(r.stdout);
    console.log(`numpy ${t.numpy} (BLAS ${t.blas ?? 'unknown'}), OpenCV ${t.opencv ?? 'not installed'}\n`);
    return t;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
function record(row) {
  rows.push(row);
  const f = (x, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  const levels = row.simdHz ? ` | ${simdLevels.map((l) => `${l} ${f(row.simdHz[l], 2)}`).join(', ')}` : '';
  console.log(`${row.op.padEnd(15)} ${row.size.padEnd(30)} ${f(row.nativeHz, 2).padStart(10)} ops/s${levels} | x${f(row.xReference)} ref | x${f(row.xTunedJs)} JS | x${f(row.xNumpy)} numpy | x${f(row.xOpenCv)} cv2 | ${row.fractionOfMemcpy === undefined ? '-' : (100 * row.fractionOfMemcpy).toFixed(0)}% memcpy`);
}
const ratio = (a, b) => (b ? a / b : undefined);

// SIMD levels: the addon's pick (measured as "native") and the others this CPU offers.
const loadedSimd = native.info().simd;
const simdLevels = native.info().simdLevels;
/** ops/s of fn at each SIMD level this CPU offers; the loaded level's is `nat`, measured already. */
function atEachLevel(name, fn, nat, opts) {
  const out = {};
  for (const simd of simdLevels) {
    if (simd === loadedSimd) {
      out[simd] = nat;
      continue;
    }
    native.configure({ simd });
    try {
      out[simd] = hz(`${name} at ${simd}`, fn, opts);
    } finally {
      native.configure({ simd: loadedSimd });
    }
  }
  return out;
}

const pts = randomPoints(N);
const cams64 = ringCameras(64);
const depths64 = wavyDepths(cams64);
console.log(`@spatial/geom bench: ${N} points, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), backend ${native.info().backend}, threads ${native.info().threads}\n`);
const np = numpyTimes(pts, cams64, depths64);

for (const F of want('projectPoints') ? [1, 8, 64] : []) {
  const cams = cams64.slice(0, F);
  const out = { uv: new Float32Array(2 * N * F), depth: new Float32Array(N * F) };
  const nat = hz(`project ${F}`, () => native.projectPoints(pts, cams, out));
  const simdHz = atEachLevel(`project ${F}`, () => native.projectPoints(pts, cams, out), nat);
  const r = hz(`project ref ${F}`, () => ref.projectPoints(pts, cams, out), slow);
  const js = hz(`project js ${F}`, () => projectTuned(pts, cams, out.uv, out.depth), F === 64 ? slow : undefined);
  const bytes = 12 * N + 12 * N * F;
  record({
    op: 'projectPoints', size: `${N / 1e6}M pts x ${F} cams, out buffer`, nativeHz: nat, simdHz, xReference: ratio(nat, r), xTunedJs: ratio(nat, js),
    xNumpy: np ? nat * (np[`project_${F}`] / 1000) : undefined, xOpenCv: np?.cv2_project_8 && F === 8 ? nat * (np.cv2_project_8 / 1000) : undefined,
    bytes, fractionOfMemcpy: nat / memcpyHz(bytes),
  });
}

for (const F of want('visibleSets') ? [1, 64] : []) {
  const cams = cams64.slice(0, F), depths = depths64.slice(0, F);
  let sets;
  const nat = hz(`visible ${F}`, () => (sets = native.visibleSets(pts, cams, depths)));
  const simdHz = atEachLevel(`visible ${F}`, () => native.visibleSets(pts, cams, depths), nat);
  const r = hz(`visible ref ${F}`, () => ref.visibleSets(pts, cams, depths), slow);
  const js = hz(`visible js ${F}`, () => visibleTuned(pts, cams, depths), F === 64 ? slow : undefined);
  const visible = sets.reduce((s, x) => s + x.length, 0);
  const bytes = 12 * N + 4 * depths[0].data.length * F + 4 * visible;
  record({
    op: 'visibleSets', size: `${N / 1e6}M pts x ${F} frames 640x480`, nativeHz: nat, simdHz, xReference: ratio(nat, r), xTunedJs: ratio(nat, js),
    xNumpy: np && F === 64 ? nat * (np.visible_64 / 1000) : undefined, bytes, fractionOfMemcpy: nat / memcpyHz(bytes), meanVisible: visible / F,
  });
}

for (const F of !want('overlapMatrix') ? [] : quick ? [64] : [64, 300]) {
  const cams = ringCameras(F);
  const sets = native.visibleSets(pts, cams, wavyDepths(cams));
  const out = new Float32Array(F * F);
  const nat = hz(`overlap ${F}`, () => native.overlapMatrix(sets, out));
  const simdHz = atEachLevel(`overlap ${F}`, () => native.overlapMatrix(sets, out), nat);
  const r = F <= 64 ? hz(`overlap ref ${F}`, () => ref.overlapMatrix(sets, out), slow) : undefined;
  const js = F <= 64 ? hz(`overlap js ${F}`, () => overlapTuned(sets), slow) : undefined;
  const mean = Math.round(sets.reduce((s, x) => s + x.length, 0) / F);
  record({ op: 'overlapMatrix', size: `${F} frames, mean |set| ${mean}`, nativeHz: nat, simdHz, xReference: ratio(nat, r), xTunedJs: ratio(nat, js), xNumpy: np && F === 64 ? nat * (np.overlap_64 / 1000) : undefined });
}

if (want('rayEmbedding')) {
  const k = { fx: 400, fy: 400, cx: 258.5, cy: 258.5, width: 518, height: 518 };
  const opts = { patchSize: 14, frequencies: 8, includeFocal: true };
  const out = new Float32Array(37 * 37 * 4 * 2 * 8);
  const nat = hz('rays 64', () => { for (let f = 0; f < 64; f++) native.rayEmbedding(k, { ...opts, out }); });
  const r = hz('rays ref 64', () => { for (let f = 0; f < 64; f++) ref.rayEmbedding(k, { ...opts, out }); }, slow);
  record({ op: 'rayEmbedding', size: '64 frames 518x518 / 14, F=8', nativeHz: nat, xReference: ratio(nat, r), xNumpy: np ? nat * (np.rays_64 / 1000) : undefined });
}

if (want('projectPoints')) {
  // Per-call overhead of a small call (validation + binding crossing), in microseconds.
  const small = pts.subarray(0, 3000);
  const out = { uv: new Float32Array(2000), depth: new Float32Array(1000) };
  const cam = cams64[0];
  const nat = hz('small project', () => native.projectPoints(small, cam, out));
  const js = hz('small project js', () => projectTuned(small, [cam], out.uv, out.depth));
  record({ op: 'projectPoints', size: `1,000 pts x 1 cam (${(1e6 / nat).toFixed(1)} us/call)`, nativeHz: nat, xTunedJs: ratio(nat, js) });
}

const meta = { date: new Date().toISOString(), points: N, cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, numpy: np?.numpy, blas: np?.blas, opencv: np?.opencv, info: native.info() };
const cell = (x) => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const md = [
  `Measured ${meta.date.slice(0, 10)} on ${meta.cores} cores (${meta.cpu}), Node ${meta.node}, numpy ${meta.numpy ?? 'absent'}${meta.blas ? ` (BLAS ${meta.blas})` : ''}, OpenCV ${meta.opencv ?? 'absent'}; ratios are native / other, in one run. ` +
    `Native runs at SIMD level ${loadedSimd} (of ${simdLevels.join(', ')}); the "at <level>" columns rerun the op at each level in the same run.`,
  '',
  `| op | size | native ops/s | ${simdLevels.map((l) => `ops/s at ${l}`).join(' | ')} | x reference | x tuned JS | x numpy | x OpenCV | % of memcpy bandwidth |`,
  `|---|---|---:|${simdLevels.map(() => '---:|').join('')}---:|---:|---:|---:|---:|`,
  ...rows.map((r) => `| ${r.op} | ${r.size} | ${r.nativeHz.toPrecision(3)} | ${simdLevels.map((l) => (r.simdHz ? r.simdHz[l].toPrecision(3) : '-')).join(' | ')} | ${cell(r.xReference)} | ${cell(r.xTunedJs)} | ${cell(r.xNumpy)} | ${cell(r.xOpenCv)} | ${r.fractionOfMemcpy === undefined ? '-' : (100 * r.fractionOfMemcpy).toFixed(0) + ' %'} |`),
].join('\n');
if (only) {
  console.log('\n' + md + '\n\npartial run (--only): bench/results.json and bench/results.md left unchanged');
} else {
  writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify({ meta, rows }, null, 2));
  writeFileSync(new URL('./results.md', import.meta.url), md + '\n');
  console.log('\n' + md + '\n\nwrote bench/results.json and bench/results.md');
}
