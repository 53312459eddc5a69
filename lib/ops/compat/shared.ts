/**
 * The shared part of the compat family: the argument checks of `visibleSetsMultiSpa` and MultiSPA's
 * projection (general pose inverse, its pixel arithmetic, in double), used by the native face, the
 * reference twin and the engine's tasks under `--compat multispa` alike.
 * @module
 */
import { describeValue, spatialError } from '../../errors.js';
import { invertGeneralPose } from '../../pose.js';
import type { Camera, DepthMap } from '../../types.js';
import { checkCameras, checkDepthMap, checkPoints } from '../../validate.js';

/** Options of {@link visibleSetsMultiSpa}. */
export interface MultiSpaVisibilityOptions {
  /**
   * Per camera, the stored depth units per metre of its depth map (ScanNet 1000, TUM 5000), or
   * undefined. When given, the depth compared is the stored integer `round(D * scale)` times
   * `1 / scale` in double, as the reference's `stored * 0.001`, rather than the float32 metres D.
   */
  depthScales?: ReadonlyArray<number | undefined>;
}

/**
 * The camera-from-world transform MultiSPA projects with: the general inverse (as `np.linalg.inv`)
 * of the pose's 4x4 with the last row taken as exactly `0 0 0 1` (the value pose files hold; the
 * C++ core stores no other).
 * @throws ERR_SPATIAL_POSE when the pose is singular.
 */
export function camFromWorldMultiSpa(worldFromCam: ArrayLike<number>): Float64Array {
  const m = Float64Array.from({ length: 16 }, (_, i) => (i < 12 ? worldFromCam[i] : i === 15 ? 1 : 0));
  const inv = invertGeneralPose(m);
  if (!inv) throw spatialError('ERR_SPATIAL_POSE', `pose ${describeValue(worldFromCam)} is singular`);
  return inv;
}

/**
 * MultiSPA's projection of world points into a camera (its `project_points`), in double: camera
 * coordinates `E^-1 [p; 1]` with the general inverse ({@link camFromWorldMultiSpa}), pixels as its
 * `K @ x_c / z_c`, i.e. `u = (fx x_c + cx z_c) / z_c` (no pixel-centre shift). The same arithmetic,
 * in the same order, as the C++ core's visibility rule, so a point it calls visible projects here to
 * the pixel it tested. Used by the engine's tasks under `--compat multispa`.
 * @returns a function of one world point giving its pixel (u, v) and camera-space z (metres).
 */
export function multiSpaProjector(camera: Camera): (x: number, y: number, z: number) => { u: number; v: number; z: number } {
  const e = camFromWorldMultiSpa(camera.pose);
  const { fx, fy, cx, cy } = camera.intrinsics;
  return (x, y, z) => {
    const xc = e[0] * x + e[1] * y + e[2] * z + e[3];
    const yc = e[4] * x + e[5] * y + e[6] * z + e[7];
    const zc = e[8] * x + e[9] * y + e[10] * z + e[11];
    return { u: (fx * xc + cx * zc) / zc, v: (fy * yc + cy * zc) / zc, z: zc };
  };
}

/**
 * Shared checks of both backends of {@link visibleSetsMultiSpa}: float32 points, colour cameras, one
 * depth map (any size) per camera, optional depth scales.
 *
 * @param points - expected: Float32Array(3N), world frame, metres.
 * @param colorCameras - expected: array of F colour cameras.
 * @param depths - expected: F depth maps (metres), each of any size.
 * @returns the validated cameras and depth maps, and the depth scales (0 = none) when `opts.depthScales` is given.
 * @throws ERR_SPATIAL_TYPE (TypeError) when `points` is not a Float32Array, `colorCameras` not an array
 *   of cameras, or a depth map / its data (Float32Array) has the wrong type.
 * @throws ERR_SPATIAL_SHAPE when `points.length` is not a multiple of 3, `depths` does not hold one
 *   depth map per camera, a depth map's size / data length is wrong, or a pose is not 16 long.
 * @throws ERR_SPATIAL_CAMERA for invalid intrinsics; ERR_SPATIAL_POSE for a non-rigid or non-finite pose.
 */
export function checkMultiSpaArgs(points: unknown, colorCameras: unknown, depths: unknown, opts?: unknown): { cams: Camera[]; maps: DepthMap[]; scales?: Float64Array } {
  if (!(points instanceof Float32Array)) throw spatialError('ERR_SPATIAL_TYPE', `Expected a Float32Array for points but received ${describeValue(points)}`);
  checkPoints(points);
  if (!Array.isArray(colorCameras)) throw spatialError('ERR_SPATIAL_TYPE', `Expected an Array of Camera for colorCameras but received ${describeValue(colorCameras)}`);
  const cams = checkCameras(colorCameras, 'colorCameras');
  if (!Array.isArray(depths) || depths.length !== cams.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `depths must hold one depth map per camera (${cams.length}), got ${describeValue(depths)}`);
  const maps = depths.map((d, f) => checkDepthMap(d, `depths[${f}]`));
  if (opts === undefined) return { cams, maps };
  if (opts === null || typeof opts !== 'object') throw spatialError('ERR_SPATIAL_TYPE', `Expected an options object for opts but received ${describeValue(opts)}`);
  const given = (opts as MultiSpaVisibilityOptions).depthScales;
  if (given === undefined) return { cams, maps };
  if (!Array.isArray(given) || given.length !== cams.length)
    throw spatialError('ERR_SPATIAL_SHAPE', `opts.depthScales must hold one value (or undefined) per camera (${cams.length}), got ${describeValue(given)}`);
  const scales = Float64Array.from(given, (s: unknown, f) => {
    if (s === undefined) return 0;
    if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s))
      throw spatialError('ERR_SPATIAL_SHAPE', `opts.depthScales[${f}] must be a positive finite number of stored units per metre or undefined, got ${describeValue(s)}`);
    return s;
  });
  return { cams, maps, scales };
}
