/**
 * Argument checks and result assembly shared by the native rigid-body segmentation
 * (`./motion.ts`) and its pure-TS twin (`./reference/motion.ts`).
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import { checkInteger, checkOptionsObject, checkPoints } from '../../validate.js';

/** Options of the rigid-body segmentation (defaults: the constants of MultiSPA's object-movement engine). */
export interface RigidSegmentationOptions {
  /** Per-frame distance changes up to this many metres are noise and ignored [0.01]. */
  smoothing?: number;
  /** Average-linkage cut height: accumulated distance change in metres [0.1]. */
  cut?: number;
  /** Smallest cluster kept as a group [6] (MultiSPA keeps clusters of more than 5 tracks). */
  minGroupSize?: number;
}

/** Result of {@link rigidSegmentation}. */
export interface RigidSegmentation {
  /** Per track: index of its group in `groups`, or -1 when its cluster is too small. */
  labels: Int32Array;
  /** Track indices (ascending) of each kept group; largest group first, ties by smallest track. */
  groups: Uint32Array[];
  /** Size of each group (same order as `groups`). */
  sizes: number[];
  /** Number of clusters before the size filter. */
  clusters: number;
}

/** The largest track count accepted: the N(N-1)/2 doubles of the distance matrix stay under 4.3 GB. */
export const MAX_TRACKS = 32768;

export interface CheckedTracks {
  frames: number;
  n: number;
}

/** Checks tracks (3*T*N numbers, frame-major) against `frames` and returns T and N. */
export function checkTracks(tracks: unknown, frames: unknown, name = 'tracks'): CheckedTracks {
  const points = checkPoints(tracks, name);
  const t = checkInteger(frames, 1, 2 ** 30, 'frames');
  if (points % t !== 0)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name}.length must be 3 * frames * N (got ${3 * points} for ${t} frames)`);
  const n = points / t;
  if (n > MAX_TRACKS)
    throw spatialError('ERR_SPATIAL_SHAPE', `${name} has ${n} tracks; at most ${MAX_TRACKS} fit the N^2 distance matrix (subsample the tracks)`);
  return { frames: t, n };
}

function nonNegative(v: unknown, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for ${name} but received ${describeValue(v)}`);
  if (!Number.isFinite(v) || v < 0) throw spatialError('ERR_SPATIAL_SHAPE', `${name} must be a finite number >= 0 (got ${v})`);
  return v;
}

export function checkSegmentationOptions(opts: unknown): Required<RigidSegmentationOptions> {
  const o = opts === undefined ? {} : checkOptionsObject(opts);
  return {
    smoothing: nonNegative(o.smoothing, 0.01, 'opts.smoothing'),
    cut: nonNegative(o.cut, 0.1, 'opts.cut'),
    minGroupSize: o.minGroupSize === undefined ? 6 : checkInteger(o.minGroupSize, 1, 2 ** 31 - 1, 'opts.minGroupSize'),
  };
}

export function checkCondensed(condensed: unknown, n: unknown): number {
  if (!(condensed instanceof Float64Array))
    throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float64Array for condensed but received ${describeValue(condensed)}`);
  const count = checkInteger(n, 0, MAX_TRACKS, 'n');
  const pairs = count < 2 ? 0 : (count * (count - 1)) / 2;
  if (condensed.length !== pairs) throw spatialError('ERR_SPATIAL_SHAPE', `condensed.length must be n(n-1)/2 = ${pairs} (got ${condensed.length})`);
  return count;
}

/** Cluster labels (numbered by smallest member) -> groups of at least `minGroupSize`. */
export function groupsFromClusters(clusterLabels: Int32Array, clusters: number, minGroupSize: number): RigidSegmentation {
  const counts = new Array<number>(clusters).fill(0);
  for (const c of clusterLabels) counts[c]++;
  // Clusters are numbered by their smallest member, so a stable sort by size keeps that tie-break.
  const kept = counts.map((size, c) => ({ size, c })).filter((g) => g.size >= minGroupSize).sort((a, b) => b.size - a.size);
  const groupOf = new Int32Array(clusters).fill(-1);
  kept.forEach((g, i) => (groupOf[g.c] = i));
  const labels = new Int32Array(clusterLabels.length);
  const groups = kept.map((g) => new Uint32Array(g.size));
  const filled = new Array<number>(kept.length).fill(0);
  for (let i = 0; i < clusterLabels.length; i++) {
    const g = groupOf[clusterLabels[i]];
    labels[i] = g;
    if (g >= 0) groups[g][filled[g]++] = i;
  }
  return { labels, groups, sizes: kept.map((g) => g.size), clusters };
}
