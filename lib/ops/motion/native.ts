/**
 * Rigid-body segmentation of 3D point tracks (MultiSPA's object-movement engine for TAPVid-3D clips):
 * tracks whose mutual distances stay constant belong to one rigid body. Native C++ core (threaded
 * N^2 kernel, O(N^2) nearest-neighbour-chain clustering); pure-TS twin in `@spatial/geom/reference`.
 * @module
 */
import {
  checkCondensed, checkSegmentationOptions, checkTracks, groupsFromClusters,
  type RigidSegmentation, type RigidSegmentationOptions,
} from './shared.js';
import { native } from '../../native.js';
import type { Points } from '../../types.js';

export { MAX_TRACKS, type RigidSegmentation, type RigidSegmentationOptions } from './shared.js';

/**
 * How much every pairwise track distance changes over a clip: for tracks i < j,
 * `L[i,j] = sum over t >= 1 of delta_t` where `delta_t = | |Xi(t) - Xj(t)| - |Xi(t-1) - Xj(t-1)| |`,
 * counted only when `delta_t > smoothing` (metres). Pairwise distances ignore any motion common to
 * all tracks, so camera-frame tracks work as they are. A frame where either track is not finite
 * adds nothing. Computed in double precision.
 *
 * @param tracks - T x N x 3, frame-major (`tracks[3 * (t * N + i) + k]`), metres (TAPVid-3D's
 *   `tracks_XYZ` layout). Float32Array or Float64Array.
 * @param frames - T (>= 1).
 * @param opts - `smoothing` [0.01 m].
 * @returns condensed `Float64Array(N(N-1)/2)`, SciPy's order: pair (i, j) at `N*i - i*(i+1)/2 + j-i-1`.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE on a bad array, frame count or option.
 * @example
 * const L = trackDistanceChange(clip.tracksXYZ, clip.frames);
 */
export function trackDistanceChange(tracks: Points, frames: number, opts?: Pick<RigidSegmentationOptions, 'smoothing'>): Float64Array {
  const { n } = checkTracks(tracks, frames);
  const { smoothing } = checkSegmentationOptions(opts);
  const out = new Float64Array(n < 2 ? 0 : (n * (n - 1)) / 2);
  native().trackDistanceChange(tracks, frames, smoothing, out);
  return out;
}

/**
 * Average-linkage (UPGMA) clustering cut at height `cut`: items i and j share a cluster iff merges
 * of height `<= cut` join them (SciPy's `fcluster(linkage(d, 'average'), cut, 'distance')`).
 * O(N^2) time (nearest-neighbour chain); the input is not modified.
 *
 * @param condensed - `Float64Array(n(n-1)/2)` of distances >= 0 (SciPy's condensed order).
 * @param n - number of items.
 * @param cut - cut height (same unit as the distances).
 * @returns `Int32Array(n)` of cluster numbers 0, 1, ... in order of each cluster's smallest item.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `condensed` is not a Float64Array or `n` / `cut` not a number.
 * @throws ERR_SPATIAL_SHAPE on a NaN or negative distance, a length that is not n(n-1)/2, `n` out of
 *   range or a negative / non-finite `cut`.
 * @example averageLinkageCut(Float64Array.of(0.08, 0.15, 0.08), 3, 0.1) // [0, 0, 1]
 */
export function averageLinkageCut(condensed: Float64Array, n: number, cut: number): Int32Array {
  const count = checkCondensed(condensed, n);
  const { cut: c } = checkSegmentationOptions({ cut });
  const labels = new Int32Array(count);
  native().averageLinkageCut(condensed, count, c, labels);
  return labels;
}

/**
 * Rigid bodies among point tracks: {@link trackDistanceChange} then {@link averageLinkageCut} at
 * `cut`, keeping clusters of at least `minGroupSize` tracks (MultiSPA: smoothing 0.01 m, cut 0.1,
 * more than 5 tracks). The visibility flags are not used (MultiSPA uses every frame).
 *
 * @param tracks - T x N x 3 frame-major tracks in metres (camera or world frame).
 * @param frames - T.
 * @param opts - `smoothing` [0.01 m], `cut` [0.1 m], `minGroupSize` [6 tracks].
 * @returns per-track group labels (-1 = in no group) and the groups, largest first.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `tracks` is not a Float32Array / Float64Array or `frames` /
 *   an option has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when `tracks.length` is not 3 * frames * N, N exceeds {@link MAX_TRACKS},
 *   `frames < 1`, or an option is out of range (negative, non-finite, `minGroupSize < 1`).
 * @example
 * const { groups, sizes } = rigidSegmentation(clip.tracksXYZ, clip.frames);
 */
export function rigidSegmentation(tracks: Points, frames: number, opts?: RigidSegmentationOptions): RigidSegmentation {
  const { n } = checkTracks(tracks, frames);
  const o = checkSegmentationOptions(opts);
  const labels = new Int32Array(n);
  const clusters = native().rigidSegmentation(tracks, frames, o.smoothing, o.cut, labels);
  return groupsFromClusters(labels, clusters, o.minGroupSize);
}

/**
 * {@link rigidSegmentation} on the libuv thread pool: the event loop keeps running. The tracks are
 * copied at the call (they may be mutated or transferred meanwhile).
 *
 * @param tracks - T x N x 3 frame-major tracks (`tracks[3 * (t * N + i) + k]`), metres.
 * @param frames - T (>= 1).
 * @param opts - `smoothing` [0.01 m], `cut` [0.1 m], `minGroupSize` [6 tracks].
 * @returns a promise of the labels and groups, as {@link rigidSegmentation}.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE as {@link rigidSegmentation}, as a rejected promise.
 * @example
 * const { groups } = await rigidSegmentationAsync(clip.tracksXYZ, clip.frames, { cut: 0.1 });
 */
export async function rigidSegmentationAsync(tracks: Points, frames: number, opts?: RigidSegmentationOptions): Promise<RigidSegmentation> {
  const { n } = checkTracks(tracks, frames);
  const o = checkSegmentationOptions(opts);
  const labels = new Int32Array(n);
  const clusters = await native().rigidSegmentationAsync(tracks, frames, o.smoothing, o.cut, labels);
  return groupsFromClusters(labels, clusters, o.minGroupSize);
}
