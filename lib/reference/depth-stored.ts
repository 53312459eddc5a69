/**
 * Pure-TypeScript twins of lib/depth-stored.ts: the same signatures, semantics and errors.
 * @module
 */
import { describeValue, spatialError } from '../errors.js';
import type { Camera, DepthMap, Points, StoredDepthMap, VisibilityOptions } from '../types.js';
import { checkCameras, checkPoints, checkStoredDepthMap } from '../validate.js';
import { visibleSets } from './geometry.js';

/**
 * Reference twin of {@link index!depthFromStored}: `data[i] = stored[i] / scale` in double, stored
 * as float32 (the division readDepthPng has always done).
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for a malformed map or a scale that is not finite and > 0.
 */
export function depthFromStored(depth: StoredDepthMap): DepthMap {
  const d = checkStoredDepthMap(depth);
  const data = new Float32Array(d.data.length);
  for (let i = 0; i < data.length; i++) data[i] = d.data[i] / d.scale;
  return { width: d.width, height: d.height, data };
}

/**
 * Reference twin of {@link index!visibleSetsStoredAsync}: the reference `visibleSets` on the
 * converted maps.
 * @throws (as a rejected promise) the codes of the native op.
 */
export async function visibleSetsStoredAsync(points: Points, cameras: Camera[], depths: StoredDepthMap[], opts?: VisibilityOptions): Promise<Uint32Array[]> {
  checkPoints(points);
  if (!Array.isArray(cameras)) throw spatialError('ERR_SPATIAL_TYPE', 'Expected an Array of Camera for cameras but received a single camera; wrap it in [ ]');
  const cams = checkCameras(cameras);
  if (!Array.isArray(depths)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of StoredDepthMap for depths but received ${describeValue(depths)}`);
  if (depths.length !== cams.length) throw spatialError('ERR_SPATIAL_SHAPE', `depths.length must equal cameras.length (${cams.length}), got ${depths.length}`);
  const maps = depths.map((d, f) => checkStoredDepthMap(d, `depths[${f}]`, cams[f].intrinsics, `cameras[${f}]`));
  const other = maps.findIndex((m) => m.scale !== maps[0].scale);
  if (other >= 0) throw spatialError('ERR_SPATIAL_SHAPE', `depths[${other}].scale (${maps[other].scale}) differs from depths[0].scale (${maps[0].scale}); pass maps of one scale`);
  return visibleSets(points, cameras, maps.map(depthFromStored), opts);
}
