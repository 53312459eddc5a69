/**
 * Point-cloud utilities used to build scene points for scenes without a mesh.
 * @module
 */
import { native } from '../../native.js';
import { checkDownsampleArgs, type Downsampled } from './shared.js';

export type { Downsampled } from './shared.js';

/**
 * Keeps one point per occupied voxel of edge `voxelSize` metres: the centroid of the voxel's points
 * (voxel key `floor(p / voxelSize)`). Non-finite points are dropped. With `labels` (e.g. instance
 * ids per point), each voxel keeps its most frequent label. Deterministic: output ordered by voxel key.
 *
 * @param points - Float32Array(3N), interleaved xyz, metres (any frame); non-finite points are dropped.
 * @param voxelSize - voxel edge in metres (finite, > 0).
 * @param labels - optional Uint16Array(N), one label per point.
 * @returns M voxels: `points` Float32Array(3M) centroids, `counts` Uint32Array(M), and `labels`
 *   Uint16Array(M) when labels were given.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `points` is not a Float32Array, `voxelSize` not a number or
 *   `labels` not a Uint16Array.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, `voxelSize` is not finite
 *   and > 0, or `labels.length !== N`.
 * @example
 * const { points, counts } = voxelDownsample(Float32Array.of(0, 0, 0, 0.01, 0, 0, 1, 1, 1), 0.02);
 * // 2 voxels: centroids [0.005, 0, 0] and [1, 1, 1], counts [2, 1]
 */
export function voxelDownsample(points: Float32Array, voxelSize: number, labels?: Uint16Array): Downsampled {
  checkDownsampleArgs(points, voxelSize, labels);
  const r = native().voxelDownsample(points, labels, voxelSize);
  return labels ? r : { points: r.points, counts: r.counts };
}
