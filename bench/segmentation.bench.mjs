// Rigid-body segmentation (MultiSPA object-movement engine): native (threaded N^2 kernel +
// NN-chain average linkage) vs MultiSPA's numpy loop (a full N x N distance matrix per frame) and
// SciPy's average linkage + fcluster, on the same bytes, in one run; the pure-TS reference at a
// size its O(N^3) clustering can do.
//   node --expose-gc bench/segmentation.bench.mjs [--tracks 1000,4000] [--frames 60]
// numpy/scipy: Debian's python3-numpy / python3-scipy under /usr/bin/python3 (`npm run bench:setup`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rigidSegmentation, trackDistanceChange } from '../dist/index.js';
import * as ref from '../dist/reference/index.js';
import { writeNpy } from './npy.mjs';

const { values } = parseArgs({ options: { tracks: { type: 'string', default: '1000,4000' }, frames: { type: 'string', default: '60' } } });
const sizes = values.tracks.split(',').map(Number);
const frames = Number(values.frames);

/** Frame-major tracks of `bodies` rigid bodies moving apart along x (0.15 m/frame between bodies). */
function bodiesTracks(n, t, bodies = 8) {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const body = Array.from({ length: n }, (_, i) => i % bodies);
  const local = Array.from({ length: n }, () => [rnd() * 0.6, rnd() * 0.6, rnd() * 0.6]);
  const tracks = new Float32Array(3 * t * n);
  for (let f = 0; f < t; f++)
    for (let i = 0; i < n; i++) {
      const b = body[i], a = 0.1 * f * ((b % 3) - 1), c = Math.cos(a), s = Math.sin(a);
      const [x, y, z] = local[i];
      tracks.set([3 * b + c * x - s * y + 0.15 * b * f, s * x + c * y, 2 + z], 3 * (f * n + i));
    }
  return tracks;
}

function minTime(fn, reps = 3) {
  let best = Infinity, out;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t0);
    globalThis.gc?.();
  }
  return { ms: best, out };
}

const PY = '/usr/bin/python3';
const PY_SEG = String.raw`
import sys, time, numpy as np
path, t, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.load(path).reshape(t, n, 3).astype(np.float64)
try:
    from scipy.cluster.hierarchy import linkage, fcluster
    from scipy.spatial.distance import squareform
except ImportError:
    linkage = None
def accumulate():
    # MultiSPA single_object_movement_engine_coord.py: a full distance matrix per frame.
    L = np.zeros((n, n))
    prev = np.linalg.norm(X[0][:, None] - X[0][None], axis=-1)
    for f in range(1, t):
        D = np.linalg.norm(X[f][:, None] - X[f][None], axis=-1)
        d = np.abs(D - prev); d[d <= 0.01] = 0; L += d; prev = D
    return L
ta, tc, groups = [], [], -1
for _ in range(reps):
    t0 = time.perf_counter(); L = accumulate(); ta.append(time.perf_counter() - t0)
    if linkage is not None:
        t0 = time.perf_counter()
        labels = fcluster(linkage(squareform(L, checks=False), method='average'), 0.1, criterion='distance')
        tc.append(time.perf_counter() - t0)
        groups = int((np.bincount(labels) > 5).sum())
print(min(ta), min(tc) if tc else -1, groups)
`;

const dir = mkdtempSync(join(tmpdir(), 'seg-bench-'));
const rows = [];
try {
  for (const n of sizes) {
    const tracks = bodiesTracks(n, frames);
    const L = minTime(() => trackDistanceChange(tracks, frames));
    const full = minTime(() => rigidSegmentation(tracks, frames));
    let py = null;
    try {
      writeNpy(join(dir, 't.npy'), tracks, [frames, n, 3]);
      const [a, c, g] = execFileSync(PY, ['-c', PY_SEG, join(dir, 't.npy'), String(frames), String(n), n > 2000 ? '1' : '2'], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split(' ').map(Number);
      py = { accumulateMs: a * 1000, clusterMs: c >= 0 ? c * 1000 : null, groups: g };
    } catch (e) {
      console.error(`numpy peer unavailable: ${e.message.split('\n')[0]}`);
    }
    rows.push({ n, frames, distanceChangeMs: L.ms, segmentationMs: full.ms, groups: full.out.groups.length, py });
    const r = rows.at(-1);
    console.log(`${n} tracks x ${frames} frames: native distance change ${L.ms.toFixed(1)} ms, segmentation ${full.ms.toFixed(1)} ms (${r.groups} groups)` +
      (py ? `; numpy accumulate ${py.accumulateMs.toFixed(0)} ms (${(py.accumulateMs / L.ms).toFixed(1)}x)` +
        (py.clusterMs !== null ? `, scipy linkage ${py.clusterMs.toFixed(0)} ms, numpy+scipy total ${((py.accumulateMs + py.clusterMs) / full.ms).toFixed(1)}x native (${py.groups} groups)` : ', scipy not installed') : ''));
  }
  // The reference twin's clustering is O(N^3): compare at a size it finishes.
  const small = bodiesTracks(300, frames);
  const nat = minTime(() => rigidSegmentation(small, frames));
  const rf = minTime(() => ref.rigidSegmentation(small, frames), 1);
  console.log(`300 tracks x ${frames} frames: native ${nat.ms.toFixed(2)} ms, reference ${rf.ms.toFixed(0)} ms (${(rf.ms / nat.ms).toFixed(0)}x)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
