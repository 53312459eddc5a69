/**
 * The shared part of the pointcloud family: the result type and the argument checks of
 * `voxelDownsample`, used by the native face and the reference twin alike.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';

/** Output of {@link voxelDownsample}. */
export interface Downsampled {
  /** 3M centroids (xyz, metres), one per occupied voxel, ordered by voxel key. */
  points: Float32Array;
  /** M labels: the most frequent input label in the voxel (ties to the smallest); when labels were given. */
  labels?: Uint16Array;
  /** M input point counts per voxel. */
  counts: Uint32Array;
}

/**
 * Shared argument checks of both backends of {@link voxelDownsample}.
 *
 * @param points - expected: Float32Array(3N), xyz, metres.
 * @param voxelSize - expected: finite number > 0 (metres).
 * @param labels - expected when given: Uint16Array(N).
 * @throws ERR_SPATIAL_TYPE (TypeError) when `points` is not a Float32Array, `voxelSize` not a number or
 *   `labels` not a Uint16Array.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, `voxelSize` is not finite
 *   and > 0, or `labels.length !== N`.
 */
export function checkDownsampleArgs(points: unknown, voxelSize: unknown, labels?: unknown): void {
  if (!(points instanceof Float32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for points but received ${describeValue(points)}`);
  if (points.length % 3) throw spatialError('ERR_SPATIAL_SHAPE', `points.length must be a multiple of 3 (got ${points.length})`);
  if (typeof voxelSize !== 'number') throw spatialError('ERR_SPATIAL_TYPE', `Expected a number for opts.voxelSize but received ${describeValue(voxelSize)}`);
  if (!Number.isFinite(voxelSize) || !(voxelSize > 0)) throw spatialError('ERR_SPATIAL_SHAPE', `opts.voxelSize must be a finite number > 0 (got ${voxelSize})`);
  if (labels !== undefined) {
    if (!(labels instanceof Uint16Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Uint16Array for labels but received ${describeValue(labels)}`);
    if (labels.length !== points.length / 3) throw spatialError('ERR_SPATIAL_SHAPE', `labels.length must equal the number of points ${points.length / 3} (got ${labels.length})`);
  }
}
