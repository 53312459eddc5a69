/**
 * Depth as 16-bit depth PNGs store it ({@link StoredDepthMap}: uint16 samples and a scale), straight
 * to the native kernels: the conversion to metres (`stored / scale`, in double, rounded to float32)
 * runs natively, and {@link visibleSetsStoredAsync} does it on the worker thread that runs the
 * visibility kernel, so no per-pixel loop runs on the JS thread. Results equal the float path's:
 * `readDepthPng` gives the same metres. Pure-TS twin: `@spatial/geom/reference`'s `depthFromStored`.
 * @module
 */
import { describeValue, spatialError } from './errors.js';
import { native } from './native.js';
import type { Camera, DepthMap, Points, StoredDepthMap, VisibilityOptions } from './types.js';
import { checkCameras, checkPoints, checkStoredDepthMap, checkVisibilityOptions, packCameras } from './validate.js';

export { checkStoredDepthMap };

/**
 * Stored depth samples to metres: `data[i] = stored[i] / scale` computed in double and rounded to
 * float32 (what `readDepthPng` returns); stored 0 stays 0 (no measurement).
 * @param depth - `{ width, height, data: Uint16Array, scale }`.
 * @returns a {@link DepthMap} of the same size, metres.
 * @throws ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for a malformed map or a scale that is not finite and > 0.
 * @example
 * depthFromStored({ width: 2, height: 1, data: Uint16Array.of(0, 1500), scale: 1000 }).data; // Float32Array [0, 1.5]
 */
export function depthFromStored(depth: StoredDepthMap): DepthMap {
  const d = checkStoredDepthMap(depth);
  const data = new Float32Array(d.data.length);
  native().depthFromStored(d.data, d.scale, data);
  return { width: d.width, height: d.height, data };
}

/**
 * `visibleSetsAsync` on stored depth: the same visible sets as `visibleSetsAsync(points, cameras,
 * depths.map(depthFromStored), opts)`, with the conversion on the worker thread. Every map must
 * have the same scale (one scene's frames do).
 * @param points - 3N xyz (Float32Array / Float64Array), world frame, metres.
 * @param cameras - F cameras.
 * @param depths - F stored depth maps, each of its camera's size, one scale.
 * @param opts - `tolerance` (metres, default 0.05) and `near` (metres, default 1e-6).
 * @returns a promise of F ascending Uint32Arrays of point indices.
 * @throws (as a rejected promise) ERR_SPATIAL_TYPE / ERR_SPATIAL_SHAPE for malformed arguments or
 *   maps of different scales, and the codes of `visibleSetsAsync`.
 */
export async function visibleSetsStoredAsync(points: Points, cameras: Camera[], depths: StoredDepthMap[], opts?: VisibilityOptions): Promise<Uint32Array[]> {
  checkPoints(points);
  if (!Array.isArray(cameras)) throw spatialError('ERR_SPATIAL_TYPE', 'Expected an Array of Camera for cameras but received a single camera; wrap it in [ ]');
  const cams = checkCameras(cameras);
  if (!Array.isArray(depths)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of StoredDepthMap for depths but received ${describeValue(depths)}`);
  if (depths.length !== cams.length) throw spatialError('ERR_SPATIAL_SHAPE', `depths.length must equal cameras.length (${cams.length}), got ${depths.length}`);
  const maps = depths.map((d, f) => checkStoredDepthMap(d, `depths[${f}]`, cams[f].intrinsics, `cameras[${f}]`));
  const o = checkVisibilityOptions(opts);
  const scale = maps.length ? maps[0].scale : 1;
  const other = maps.findIndex((m) => m.scale !== scale);
  if (other >= 0) throw spatialError('ERR_SPATIAL_SHAPE', `depths[${other}].scale (${maps[other].scale}) differs from depths[0].scale (${scale}); pass maps of one scale`);
  return native().visibleSetsStoredAsync(points, packCameras(cams), maps.map((m) => m.data), scale, o.near, o.tolerance);
}
