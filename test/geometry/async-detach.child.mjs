// Detaching buffers while the native *Async ops run (issue 14, item 6). Run in its own process,
// with `--expose-gc`, by test/geometry/async-detach.test.ts (a use-after-free may kill the process:
// the test then sees the signal instead of a report):
//
//   node --expose-gc test/geometry/async-detach.child.mjs fixed  [--addon path/to/spatial_geom.node]
//   node --expose-gc test/geometry/async-detach.child.mjs seeded [--seed 1] [--cases 200] [--addon ...]
//
// Each case builds the inputs of one raw async binding, computes the expected result with the
// synchronous binding on copies, starts the async call on the originals, waits `ticks` turns of
// the event loop (setImmediate), detaches the chosen buffers (structuredClone with transfer, the
// clone dropped), runs gc() and allocates same-sized "sentinel" buffers filled with a marker (so
// freed backing stores are reused by live arrays), then awaits the call and checks:
//   - inputs detached: the result equals the synchronous one;
//   - `out` (or `labels`) detached: the promise rejects with ERR_SPATIAL_IO naming it (unless the
//     call had already settled when the buffers were detached: then it resolved, equal to sync);
//   - every sentinel still holds its marker (no write landed in unrelated memory).
// `fixed` runs every op x every single detachable buffer (+ all of them at once) at 0 and 2 ticks,
// plus a getter that detaches an already converted input during the call. `seeded` draws op,
// buffers and ticks from a seeded generator. The last stdout line is a JSON summary; the exit code
// is 1 when a case failed. --addon loads another build (e.g. main's, to see the old failure).
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const mode = args[0] ?? 'fixed';
const opt = (name, dflt) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const addonPath = resolve(opt('addon', resolve(root, 'build', 'Release', 'spatial_geom.node')));
const seed = Number(opt('seed', '1'));
const caseCount = Number(opt('cases', '200'));
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const native = createRequire(import.meta.url)(addonPath);

// ---------------------------------------------------------------------------------------------
// Deterministic data (mulberry32), small enough for ~100 ms cases, large enough that a job is still
// running when the first setImmediate fires.
function rng(s) {
  let a = s >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, uniform: (lo, hi) => lo + (hi - lo) * next(), int: (n) => Math.floor(next() * n) };
}

const W = 320, H = 240;
function packedCameras(f) {
  const out = new Float64Array(22 * f);
  for (let i = 0; i < f; i++) {
    out.set([200, 200, (W - 1) / 2, (H - 1) / 2, W, H], 22 * i);
    out.set([1, 0, 0, 0.1 * i - 0.4, 0, 1, 0, 0.05 * i, 0, 0, 1, 0, 0, 0, 0, 1], 22 * i + 6);
  }
  return out;
}

// Each builder returns its named buffers and functions of the current views `b` (a case replaces
// detached views with fresh copies of the pristine data): start(b) calls the async binding and
// resolves to the result; sync(b) is the synchronous binding on copies.
// An output as it was when the call resolved (empty if it had been detached: the old failure).
const snapshot = (view) => (view.byteLength ? view.slice() : new view.constructor(0));
const list = (b, prefix) => Object.keys(b).filter((k) => k.startsWith(prefix)).map((k) => b[k]);
const copies = (views) => views.map((v) => v.slice());
const builders = {
  visibleSets(r) {
    const n = 400_000, f = 12;
    const points = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) points.set([r.uniform(-2.5, 2.5), r.uniform(-2, 2), r.uniform(0.5, 6)], 3 * i);
    const depths = Array.from({ length: f }, (_, k) => {
      const d = new Float32Array(W * H);
      for (let i = 0; i < d.length; i++) d[i] = 3 + Math.sin(i / 97 + k) + (i % 11 === 0 ? 0 : 0.5);
      return d;
    });
    return {
      buffers: { points, cameras: packedCameras(f), ...Object.fromEntries(depths.map((d, k) => [`depths[${k}]`, d])) },
      start: (b) => native.visibleSetsAsync(b.points, b.cameras, list(b, 'depths['), 1e-6, 0.05),
      sync: (b) => native.visibleSets(b.points.slice(), b.cameras.slice(), copies(list(b, 'depths[')), 1e-6, 0.05),
      same: (got, want) => got.length === want.length && got.every((s, k) => equalArrays(s, want[k])),
    };
  },
  overlapMatrix(r) {
    const m = 40, universe = 400_000;
    const sets = Array.from({ length: m }, () => {
      const keep = 0.15 + 0.3 * r.next(), idx = [];
      for (let i = 0; i < universe; i++) if (r.next() < keep) idx.push(i);
      return Uint32Array.from(idx);
    });
    return {
      buffers: { ...Object.fromEntries(sets.map((s, k) => [`sets[${k}]`, s])), out: new Float32Array(m * m) },
      outName: 'out',
      start: (b, sets = list(b, 'sets[')) => native.overlapMatrixAsync(sets, b.out).then(() => snapshot(b.out)),
      sync: (b) => {
        const want = new Float32Array(m * m);
        native.overlapMatrix(copies(list(b, 'sets[')), want);
        return want;
      },
      same: equalArrays,
    };
  },
  rigidSegmentation(r) {
    const t = 8, n = 1400, groups = 5;
    const tracks = new Float32Array(3 * t * n);
    const base = Array.from({ length: n }, () => [r.uniform(-1, 1), r.uniform(-1, 1), r.uniform(1, 3)]);
    for (let f = 0; f < t; f++)
      for (let i = 0; i < n; i++) {
        const g = i % groups;
        tracks.set([base[i][0] + 0.2 * f * g, base[i][1] - 0.1 * f * (g % 2), base[i][2] + 0.05 * f], 3 * (f * n + i));
      }
    return {
      buffers: { tracks, labels: new Int32Array(n) },
      outName: 'labels',
      start: (b) => native.rigidSegmentationAsync(b.tracks, t, 0.01, 0.1, b.labels).then((clusters) => ({ clusters, labels: snapshot(b.labels) })),
      sync: (b) => {
        const labels = new Int32Array(n);
        return { clusters: native.rigidSegmentation(b.tracks.slice(), t, 0.01, 0.1, labels), labels };
      },
      same: (got, want) => got.clusters === want.clusters && equalArrays(got.labels, want.labels),
    };
  },
  voxelCoverageSelect(r) {
    const f = 20, side = 160;
    const maps = [], conf = [];
    for (let k = 0; k < f; k++) {
      const p = new Float32Array(3 * side * side), c = new Float32Array(side * side);
      const a = (k / f) * 2 * Math.PI;
      for (let i = 0; i < side * side; i++) {
        const u = (i % side) / side - 0.5, v = Math.floor(i / side) / side - 0.5;
        p.set([3 * Math.cos(a + u) + r.uniform(-0.01, 0.01), 3 * Math.sin(a + u), 1.5 + 2 * v], 3 * i);
        c[i] = r.next();
      }
      maps.push(p);
      conf.push(c);
    }
    return {
      buffers: { ...Object.fromEntries(maps.map((p, k) => [`pointMaps[${k}]`, p])), ...Object.fromEntries(conf.map((c, k) => [`confidences[${k}]`, c])) },
      start: (b) => native.voxelCoverageSelectAsync(list(b, 'pointMaps['), list(b, 'confidences['), 6, 16, 0.05),
      sync: (b) => native.voxelCoverageSelect(copies(list(b, 'pointMaps[')), copies(list(b, 'confidences[')), 6, 16, 0.05),
      same: (got, want) =>
        ['frames', 'order', 'coverage', 'candidates'].every((key) => equalArrays(got[key], want[key])) &&
        ['greedyPicks', 'voxelSize', 'totalVoxels', 'keptPoints', 'confidenceThreshold'].every((key) => Object.is(got[key], want[key])),
    };
  },
};
const ops = Object.keys(builders);

function equalArrays(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

// Building a scene is the slow part: one per op, reused; each case starts from fresh copies of the
// pristine buffers (a previous case may have detached some).
const scenes = new Map();
function scene(op) {
  if (!scenes.has(op)) {
    const s = builders[op](rng(1000 + ops.indexOf(op)));
    s.pristine = Object.fromEntries(Object.entries(s.buffers).map(([k, v]) => [k, v.slice()]));
    s.want = s.sync(s.buffers);
    scenes.set(op, s);
  }
  return scenes.get(op);
}

const SENTINEL = 0x5a5a5a5a;
const tick = () => new Promise((r) => setImmediate(r));
function detach(view) {
  structuredClone(view.buffer, { transfer: [view.buffer] }); // the clone (owning the memory) is dropped
}

/** One case: detaches buffers `names` of op's call after `ticks` turns; returns { outcome, ok }. */
async function runCase(op, names, ticks, { viaGetter = false } = {}) {
  const s = scene(op);
  const b = Object.fromEntries(Object.entries(s.pristine).map(([k, v]) => [k, v.slice()]));
  if (s.outName) b[s.outName].fill(0);
  const targets = names.map((n) => b[n]);
  let promise;
  if (viaGetter) {
    // sets[1] is read through a getter that detaches the targets (sets[0] is converted by then) and collects.
    const sets = list(b, 'sets[');
    const second = sets[1];
    Object.defineProperty(sets, 1, {
      get() {
        for (const t of targets) if (t.byteLength) detach(t);
        globalThis.gc();
        return second;
      },
    });
    promise = s.start(b, sets);
  } else promise = s.start(b);
  let settledEarly = false; // settled before the detach: the call was over, it must simply have succeeded
  promise = promise.then((value) => ({ value }), (error) => ({ error })).finally(() => (settledEarly = true));
  for (let i = 0; i < ticks; i++) await tick();
  const early = settledEarly && !viaGetter;
  for (const t of targets) if (t.byteLength) detach(t);
  globalThis.gc();
  const sentinels = [];
  for (const n of names) for (let i = 0; i < 2; i++) sentinels.push(new Uint32Array(s.pristine[n].byteLength / 4).fill(SENTINEL));
  const settled = await promise;
  const clobbered = sentinels.filter((x) => x.some((v) => v !== SENTINEL)).length;
  const outDetached = !early && s.outName !== undefined && names.includes(s.outName);
  let outcome, ok;
  if (settled.error) {
    const e = settled.error;
    outcome = `rejected ${e.code}`;
    ok = outDetached && e.code === 'ERR_SPATIAL_IO' && e.message.includes(s.outName) && /detached/.test(e.message);
    if (!ok) outcome += `: ${e.message}`;
  } else {
    const same = s.same(settled.value, s.want);
    outcome = (same ? 'resolved, equal to sync' : 'resolved, DIFFERENT from sync') + (early ? ' (before the detach)' : '');
    ok = same && !outDetached;
    if (outDetached) outcome += ` (but ${s.outName} was detached: expected a rejection)`;
  }
  if (clobbered) {
    outcome += `; ${clobbered} sentinel buffer(s) overwritten`;
    ok = false;
  }
  return { outcome, ok };
}

// ---------------------------------------------------------------------------------------------
const summary = { mode, addon: addonPath, cases: 0, failed: 0, outcomes: {} };
function report(label, r) {
  summary.cases++;
  if (!r.ok) summary.failed++;
  const key = `${r.ok ? 'ok' : 'FAIL'}: ${r.outcome}`;
  summary.outcomes[key] = (summary.outcomes[key] ?? 0) + 1;
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${label}: ${r.outcome}`);
}

const t0 = performance.now();
if (mode === 'fixed') {
  for (const op of ops) {
    const names = Object.keys(scene(op).buffers);
    // Every buffer alone for the small ops; for the many-buffer ones the first, last and out.
    const singles = names.length <= 4 ? names : [names[0], names[1], names[names.length - 2], names[names.length - 1]];
    for (const ticks of [0, 2])
      for (const pick of [...singles.map((n) => [n]), names]) report(`${op} ticks=${ticks} detach ${pick.length === names.length ? 'everything' : pick[0]}`, await runCase(op, pick, ticks));
  }
  report('overlapMatrix: a getter on sets[1] detaches sets[0] during the call', await runCase('overlapMatrix', ['sets[0]'], 0, { viaGetter: true }));
} else {
  const r = rng(seed);
  for (let c = 0; c < caseCount; c++) {
    const op = ops[r.int(ops.length)];
    const names = Object.keys(scene(op).buffers);
    const pick = names.filter(() => r.next() < 0.3);
    if (!pick.length) pick.push(names[r.int(names.length)]);
    const ticks = [0, 0, 1, 2, 3, 5, 10, 30][r.int(8)];
    report(`#${c} ${op} ticks=${ticks} detach ${pick.join(',')}`, await runCase(op, pick, ticks));
  }
}
summary.seconds = +((performance.now() - t0) / 1000).toFixed(1);
console.log(JSON.stringify(summary));
process.exitCode = summary.failed ? 1 : 0;
