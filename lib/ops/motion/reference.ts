/**
 * Pure-TS twin of `../motion.ts`: the same distance change, summed in the same order (so it is
 * bit-identical), and a naive average linkage that recomputes every cluster average from the
 * original distances (O(N^3) and worse; for tests and small inputs).
 * @module
 */
import {
  checkCondensed, checkSegmentationOptions, checkTracks, groupsFromClusters,
  type RigidSegmentation, type RigidSegmentationOptions,
} from './shared.js';
import { spatialError } from '../../errors.js';
import type { Points } from '../../types.js';

export { MAX_TRACKS, type RigidSegmentation, type RigidSegmentationOptions } from './shared.js';

const condensedIndex = (n: number, i: number, j: number): number => n * i - (i * (i + 1)) / 2 + (j - i - 1);

/**
 * Reference twin of {@link geometry!trackDistanceChange}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function trackDistanceChange(tracks: Points, frames: number, opts?: Pick<RigidSegmentationOptions, 'smoothing'>): Float64Array {
  const { n } = checkTracks(tracks, frames);
  const { smoothing } = checkSegmentationOptions(opts);
  const out = new Float64Array(n < 2 ? 0 : (n * (n - 1)) / 2);
  const dist = (t: number, i: number, j: number): number => {
    const a = 3 * (t * n + i), b = 3 * (t * n + j);
    const dx = tracks[a] - tracks[b], dy = tracks[a + 1] - tracks[b + 1], dz = tracks[a + 2] - tracks[b + 2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  };
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let sum = 0;
      for (let t = 1; t < frames; t++) {
        const delta = Math.abs(dist(t, i, j) - dist(t - 1, i, j));
        if (delta > smoothing) sum += delta;
      }
      out[condensedIndex(n, i, j)] = sum;
    }
  return out;
}

/**
 * Reference twin of {@link geometry!averageLinkageCut}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function averageLinkageCut(condensed: Float64Array, n: number, cut: number): Int32Array {
  const count = checkCondensed(condensed, n);
  const { cut: c } = checkSegmentationOptions({ cut });
  condensed.forEach((v, k) => {
    if (!(v >= 0)) throw spatialError('ERR_SPATIAL_SHAPE', `distances must be >= 0 and not NaN (entry ${k} is ${v})`);
  });
  const d = (p: number, q: number): number => (p < q ? condensed[condensedIndex(count, p, q)] : condensed[condensedIndex(count, q, p)]);
  let clusters: number[][] = Array.from({ length: count }, (_, i) => [i]);
  for (;;) {
    let best = Infinity, ba = -1, bb = -1;
    for (let a = 0; a < clusters.length; a++)
      for (let b = a + 1; b < clusters.length; b++) {
        let sum = 0;
        for (const p of clusters[a]) for (const q of clusters[b]) sum += d(p, q);
        const avg = sum / (clusters[a].length * clusters[b].length);
        if (avg < best) [best, ba, bb] = [avg, a, b];
      }
    if (!(best <= c)) break;
    clusters[ba] = clusters[ba].concat(clusters[bb]);
    clusters = clusters.filter((_, k) => k !== bb);
  }
  const root = new Int32Array(count);
  clusters.forEach((members, k) => members.forEach((p) => (root[p] = k)));
  const number = new Int32Array(clusters.length).fill(-1);
  const labels = new Int32Array(count);
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (number[root[i]] < 0) number[root[i]] = next++;
    labels[i] = number[root[i]];
  }
  return labels;
}

/**
 * Reference twin of {@link geometry!rigidSegmentation}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation.
 */
export function rigidSegmentation(tracks: Points, frames: number, opts?: RigidSegmentationOptions): RigidSegmentation {
  const { n } = checkTracks(tracks, frames);
  const o = checkSegmentationOptions(opts);
  const labels = averageLinkageCut(trackDistanceChange(tracks, frames, o), n, o.cut);
  return groupsFromClusters(labels, labels.reduce((m, l) => Math.max(m, l + 1), 0), o.minGroupSize);
}

/**
 * Reference twin of {@link geometry!rigidSegmentationAsync}, the native op: the same
 * contract (parameters, shapes, units, edge cases, results), so its documentation and example
 * apply.
 * @throws the same argument errors (codes and messages) as the native op, from the same validation,
 *   as a rejected promise.
 */
export async function rigidSegmentationAsync(tracks: Points, frames: number, opts?: RigidSegmentationOptions): Promise<RigidSegmentation> {
  return rigidSegmentation(tracks, frames, opts);
}
