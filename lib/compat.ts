/**
 * Rules of the reference systems, for users who must regenerate their data exactly. Our own
 * convention (DESIGN.md) stays the default everywhere; these are opt-in (`--compat multispa`).
 * @module
 */
import { describeValue, spatialError } from './errors.js';
import { native } from './native.js';
import type { Camera, DepthMap } from './types.js';
import { checkCameras, checkDepthMap, checkPoints, packCameras } from './validate.js';

/** Shared checks: float32 points, colour cameras, one depth map (any size) per camera. */
export function checkMultiSpaArgs(points: unknown, colorCameras: unknown, depths: unknown): { cams: Camera[]; maps: DepthMap[] } {
  if (!(points instanceof Float32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for points but received ${describeValue(points)}`);
  checkPoints(points);
  if (!Array.isArray(colorCameras)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Camera for colorCameras but received ${describeValue(colorCameras)}`);
  const cams = checkCameras(colorCameras, 'colorCameras');
  if (!Array.isArray(depths) || depths.length !== cams.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `depths must hold one depth map per camera (${cams.length}), got ${describeValue(depths)}`);
  return { cams, maps: depths.map((d, f) => checkDepthMap(d, `depths[${f}]`)) };
}

/**
 * MultiSPA's visibility test (Multi-SpatialMLLM data engine, SEEDS.md 1.2), reproduced exactly:
 * project with the COLOUR camera, keep `0 <= u < Wc`, `0 <= v < Hc` (continuous, no pixel-centre
 * shift), read the depth map (its own size) at `(round(u * Wd / Wc), round(v * Hd / Hc))` with
 * round-half-to-even, clipped into the map, and require the strict `0 < z < D` (no tolerance).
 * @returns one ascending Uint32Array of point indices per camera.
 */
export function visibleSetsMultiSpa(points: Float32Array, colorCameras: Camera[], depths: DepthMap[]): Uint32Array[] {
  const { cams, maps } = checkMultiSpaArgs(points, colorCameras, depths);
  const sizes = Float64Array.from(maps.flatMap((d) => [d.width, d.height]));
  return native().visibleSetsMultiSpa(points, packCameras(cams), maps.map((d) => d.data), sizes);
}
