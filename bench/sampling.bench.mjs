// Benchmarks of space-aware frame sampling and Sim(3) alignment (benchmark.js).
//
//   npx tsc -p tsconfig.build.json && node --expose-gc bench/sampling.bench.mjs [--quick] [--json out.json]
//
// Suites (DESIGN.md section 5: each prints ops/s and the ratio to the reference, to numpy when
// /usr/bin/python3 has it, and to a memcpy of the same bytes):
//   1. voxelCoverageSelect, 128 frames of 518x518 point maps (VGGT's resolution and Spatial-MLLM's
//      candidate count): native, native with confidences, reference, numpy (Spatial-MLLM's own
//      algorithm: np.unique per frame + Python-set greedy), memcpy of the point maps.
//   2. alignSim3 on 1M point pairs: native, reference, numpy (Umeyama with np.linalg.svd), memcpy.
// The point maps are ray-cast views of a room whose walls carry smooth random bumps, seen from a
// camera circling inside it (so consecutive frames overlap, as in a video).
import Benchmark from 'benchmark';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as native from '../dist/index.js';
import * as reference from '../dist/reference/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const FRAMES = quick ? 32 : 128;
const SIZE = quick ? 259 : 518;
const K = 16;

// ---------------------------------------------------------------------------------------------
// Scene: room [-4, 4] x [-3, 3] x [0, 3] (metres), bumps of +-5 cm on every wall.

function roomViews(frames, size, seed) {
  const rng = native.createRng(seed);
  const waves = Array.from({ length: 3 }, () => [rng.uniform(0.5, 3), rng.uniform(0.5, 3), rng.uniform(0, 6.28)]);
  const bump = (a, b) => {
    let s = 0;
    for (const [p, q, ph] of waves) s += Math.sin(p * a + q * b + ph);
    return s * (0.05 / waves.length);
  };
  const lo = [-4, -3, 0], hi = [4, 3, 3];
  const f = size * 0.8; // ~64 degree field of view
  const c = (size - 1) / 2;
  const maps = [], confidences = [];
  const d = [0, 0, 0], p = [0, 0, 0];
  for (let fr = 0; fr < frames; fr++) {
    const phase = (fr / frames) * Math.PI * 2;
    const o = [1.5 * Math.cos(phase), 1.2 * Math.sin(phase), 1.4 + 0.2 * Math.sin(3 * phase)];
    const yaw = phase + Math.PI / 2 + 0.4 * Math.sin(2 * phase), pitch = 0.15 * Math.cos(phase);
    // Camera axes (OpenCV): z forward (yaw about world z, pitch down), x right, y down.
    const z = [Math.cos(yaw) * Math.cos(pitch), Math.sin(yaw) * Math.cos(pitch), -Math.sin(pitch)];
    const x = [Math.sin(yaw), -Math.cos(yaw), 0];
    const y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
    const pts = new Float32Array(size * size * 3), conf = new Float32Array(size * size);
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) {
        const u = (j - c) / f, v = (i - c) / f;
        let t = Infinity, axis = 0;
        for (let a = 0; a < 3; a++) {
          d[a] = z[a] + u * x[a] + v * y[a];
          const ta = d[a] > 0 ? (hi[a] - o[a]) / d[a] : d[a] < 0 ? (lo[a] - o[a]) / d[a] : Infinity;
          if (ta < t) { t = ta; axis = a; }
        }
        for (let a = 0; a < 3; a++) p[a] = o[a] + t * d[a];
        p[axis] += (d[axis] > 0 ? -1 : 1) * bump(p[(axis + 1) % 3], p[(axis + 2) % 3]);
        const k = i * size + j;
        pts[3 * k] = p[0]; pts[3 * k + 1] = p[1]; pts[3 * k + 2] = p[2];
        conf[k] = 1 + Math.exp(-((u * u + v * v) * 2)) * (1 + 0.3 * Math.sin(0.07 * i * j));
      }
    maps.push(pts);
    confidences.push(conf);
  }
  return { maps, confidences };
}

// ---------------------------------------------------------------------------------------------
// numpy peers (run under /usr/bin/python3, where Debian's numpy lives; DESIGN.md section 7).

const PY = '/usr/bin/python3';
const hasNumpy = (() => {
  try {
    execFileSync(PY, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const PY_SAMPLING = String.raw`
import sys, time, numpy as np
path, frames, size, k, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
pts = np.fromfile(path + '.pts', dtype=np.float32).reshape(frames, size * size, 3)
conf = np.fromfile(path + '.conf', dtype=np.float32).reshape(frames, size * size)
def select():
    # Spatial-MLLM sa_sampling.py, with numpy in place of torch.
    tau = np.percentile(conf, 50)
    mask = (conf >= tau) & (conf > 0.1)
    kept = pts[mask]
    mn, mx = kept.min(axis=0), kept.max(axis=0)
    voxel = np.min(mx - mn) / 20
    sets = []
    for t in range(frames):
        v = pts[t][mask[t]]
        keys = np.floor((v - mn) / voxel).astype(np.int64)
        sets.append(set(map(tuple, np.unique(keys, axis=0).tolist())))
    selected, covered, remaining = [], set(), set(range(frames))
    for _ in range(k):
        best, gain_best = None, -1
        for f in sorted(remaining):
            g = len(sets[f] - covered)
            if g > gain_best:
                best, gain_best = f, g
        if best is None or gain_best <= 0:
            break
        selected.append(best); covered |= sets[best]; remaining.remove(best)
    return sorted(selected)
times = []
for _ in range(reps):
    t0 = time.perf_counter(); sel = select(); times.append(time.perf_counter() - t0)
print(min(times), ' '.join(map(str, sel)))
`;

const PY_ALIGN = String.raw`
import sys, time, numpy as np
path, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
src = np.fromfile(path + '.src', dtype=np.float64).reshape(n, 3)
dst = np.fromfile(path + '.dst', dtype=np.float64).reshape(n, 3)
def umeyama():
    ms, md = src.mean(0), dst.mean(0)
    cs, cd = src - ms, dst - md
    sigma = cd.T @ cs / n
    U, D, Vt = np.linalg.svd(sigma)
    S = np.ones(3)
    if np.linalg.det(U) * np.linalg.det(Vt) < 0: S[2] = -1
    R = U @ np.diag(S) @ Vt
    s = (D * S).sum() / ((cs ** 2).sum() / n)
    t = md - s * R @ ms
    return s, R, t
times = []
for _ in range(reps):
    t0 = time.perf_counter(); s, R, t = umeyama(); times.append(time.perf_counter() - t0)
print(min(times), s)
`;

function runPython(script, argv) {
  return execFileSync(PY, ['-c', script, ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split(' ');
}

// ---------------------------------------------------------------------------------------------

function runSuite(name, cases) {
  return new Promise((resolve) => {
    const suite = new Benchmark.Suite(name);
    for (const [label, fn, options] of cases) suite.add(label, fn, { minSamples: 3, maxTime: 2, ...options });
    const results = [];
    suite.on('cycle', (e) => {
      const b = e.target;
      results.push({ name: b.name, hz: b.hz, ms: 1000 / b.hz, rme: b.stats.rme, samples: b.stats.sample.length });
      console.log(`  ${String(b)}`);
      if (global.gc) global.gc();
    });
    suite.on('complete', () => resolve(results));
    console.log(`\n${name}`);
    suite.run({ async: false });
  });
}

function table(title, rows, baseline, extras) {
  const base = rows.find((r) => r.name === baseline);
  const all = [...rows, ...extras];
  console.log(`\n### ${title}\n\n| case | ms / op | ops/s | vs ${baseline} |\n|---|---:|---:|---:|`);
  for (const r of all) console.log(`| ${r.name} | ${r.ms.toFixed(1)} | ${(1000 / r.ms).toFixed(2)} | ${(r.ms / base.ms).toFixed(2)}x |`);
}

const info = native.info();
console.log(`@spatial/geom ${info.version}, backend ${info.backend}, ${info.threads} threads, node ${process.version}`);
const report = { info, suites: {} };

// ---- 1. voxelCoverageSelect
{
  const t0 = performance.now();
  const { maps, confidences } = roomViews(FRAMES, SIZE, 1);
  const bytes = maps.reduce((s, m) => s + m.byteLength, 0);
  console.log(`\nscene: ${FRAMES} frames of ${SIZE}x${SIZE} point maps (${(bytes / 2 ** 20).toFixed(0)} MiB + ${(bytes / 3 / 2 ** 20).toFixed(0)} MiB confidences), built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const sel = native.voxelCoverageSelectDetailed(maps, K, { confidences });
  const selRef = reference.voxelCoverageSelectDetailed(maps, K, { confidences });
  if (JSON.stringify(sel) !== JSON.stringify(selRef)) throw new Error('native and reference selections differ');
  console.log(`selection: frames ${sel.frames.join(' ')}; voxel ${sel.voxelSize.toFixed(4)} m, ${sel.totalVoxels} voxels, coverage ${sel.coverage.at(-1)} after ${sel.greedyPicks} greedy picks`);
  const flat = new Uint8Array(bytes), copySrc = maps.map((m) => new Uint8Array(m.buffer));
  const rows = await runSuite(`voxelCoverageSelect: ${FRAMES} x ${SIZE}x${SIZE}, k = ${K}`, [
    ['native (no confidences)', () => native.voxelCoverageSelect(maps, K)],
    ['native (confidences)', () => native.voxelCoverageSelect(maps, K, { confidences })],
    ['reference (confidences)', () => reference.voxelCoverageSelect(maps, K, { confidences }), { minSamples: 1, maxTime: 0.1 }],
    ['memcpy of the point maps', () => { let o = 0; for (const m of copySrc) { flat.set(m, o); o += m.length; } }],
  ]);
  const extras = [];
  if (hasNumpy) {
    const dir = mkdtempSync(join(tmpdir(), 'sg-bench-'));
    try {
      const all = new Float32Array(bytes / 4), allConf = new Float32Array(bytes / 12);
      maps.forEach((m, f) => { all.set(m, f * m.length); allConf.set(confidences[f], f * confidences[f].length); });
      writeFileSync(join(dir, 'x.pts'), all);
      writeFileSync(join(dir, 'x.conf'), allConf);
      const [secs, ...frames] = runPython(PY_SAMPLING, [join(dir, 'x'), String(FRAMES), String(SIZE), String(K), '2']);
      extras.push({ name: `numpy (Spatial-MLLM's algorithm; frames ${frames.join(' ') === sel.frames.join(' ') ? 'identical' : 'differ: ' + frames.join(' ')})`, ms: Number(secs) * 1000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  table(`voxelCoverageSelect, ${FRAMES} frames of ${SIZE}x${SIZE}, k = ${K}`, rows, 'native (confidences)', extras);
  report.suites.voxelCoverageSelect = { frames: FRAMES, size: SIZE, k: K, selection: sel.frames, rows: [...rows, ...extras] };
}

// ---- 2. alignSim3 on 1M points
{
  const N = quick ? 200_000 : 1_000_000;
  const rng = native.createRng(2);
  const src = Float64Array.from({ length: 3 * N }, () => rng.uniform(-5, 5));
  const a = 0.7, c = Math.cos(a), s = Math.sin(a);
  const dst = new Float64Array(3 * N);
  for (let i = 0; i < N; i++) {
    const [x, y, z] = [src[3 * i], src[3 * i + 1], src[3 * i + 2]];
    dst[3 * i] = 1.7 * (c * x - s * y) + 1 + rng.uniform(-1e-3, 1e-3);
    dst[3 * i + 1] = 1.7 * (s * x + c * y) - 2 + rng.uniform(-1e-3, 1e-3);
    dst[3 * i + 2] = 1.7 * z + 0.5 + rng.uniform(-1e-3, 1e-3);
  }
  const r = native.alignSim3(src, dst);
  console.log(`\nalignSim3: scale ${r.scale.toFixed(6)} (true 1.7), rmse ${r.rmse.toExponential(2)}`);
  const copy = new Float64Array(6 * N);
  const rows = await runSuite(`alignSim3: ${N} pairs (Float64)`, [
    ['native', () => native.alignSim3(src, dst)],
    ['reference', () => reference.alignSim3(src, dst)],
    ['memcpy of src + dst', () => { copy.set(src, 0); copy.set(dst, 3 * N); }],
  ]);
  const extras = [];
  if (hasNumpy) {
    const dir = mkdtempSync(join(tmpdir(), 'sg-bench-'));
    try {
      writeFileSync(join(dir, 'x.src'), src);
      writeFileSync(join(dir, 'x.dst'), dst);
      const [secs] = runPython(PY_ALIGN, [join(dir, 'x'), String(N), '5']);
      extras.push({ name: 'numpy (Umeyama, np.linalg.svd)', ms: Number(secs) * 1000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  table(`alignSim3, ${N} pairs`, rows, 'native', extras);
  report.suites.alignSim3 = { points: N, rows: [...rows, ...extras] };
}

if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2));
if (!existsSync('dist/index.js')) console.warn('note: run `npx tsc -p tsconfig.build.json` first');
